#!/bin/bash
# CPU of one PostgreSQL instance (postmaster, its live backends and reaped children) per transaction of
# a pgbench script run alone on it, one connection, prepared: pg-cpu-per-statement.sh FILE.sql N
# (issue 17, fourteenth pass). PGDATA and PGPORT name the instance; nothing else may use it meanwhile.
PM=$(head -1 ${PGDATA:?data dir of the PostgreSQL under test}/postmaster.pid)
cpu() { local t=$(awk '{print $14+$15+$16+$17}' /proc/$PM/stat); for p in $(pgrep -P $PM); do s=$(awk '{print $14+$15}' /proc/$p/stat 2>/dev/null); t=$((t + ${s:-0})); done; echo $t; }
a=$(cpu)
/usr/lib/postgresql/15/bin/pgbench -n -M prepared -h 127.0.0.1 -p ${PGPORT:?} -U postgres -t $2 -f $1 postgres > /tmp/pgcpu.out 2>&1
sleep 0.3
b=$(cpu)
echo "$1 cpu_ms_per_tx=$(python3 -c "print(round(($b-$a)*10/$2,3))") $(grep 'latency average' /tmp/pgcpu.out)"
