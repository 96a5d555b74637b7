#!/usr/bin/env bash
# start-cpu.sh DATA_DIR ROUNDS JAR_A JAR_B: starts each jar in turn on a copy of DATA_DIR; at ready records
# wall ms, the slowest evaluator's ms, Shoal's CPU s (utime+stime of the JVM), PostgreSQL's CPU s (the
# postmaster, its live children and the children that ended) and load. Seventeenth pass: also when every
# partition's time checks that came due while it was down ran ("caught up": a jar that runs them after
# ready logs "time checks due while it was down" per partition; one that runs them before ready is caught
# up at ready), with the JVM's CPU then, and `uptime` before each start (in uptime.log).
set -euo pipefail
DATA=$1 ROUNDS=$2; shift 2
OUT=${WORK:-/tmp}/startcpu-$(date -u +%H%M%S); mkdir -p $OUT
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
HZ=$(getconf CLK_TCK)
pg_cpu() { # postmaster pid: its CPU + its live children's + ended children's, in seconds
  local pm=$1
  { awk '{print $14+$15+$16+$17}' /proc/$pm/stat
    for f in /proc/[0-9]*/stat; do awk -v pm=$pm '$4 == pm {print $14+$15}' "$f" 2>/dev/null; done
  } | awk -v hz=$HZ '{s+=$1} END {printf "%.1f", s/hz}'
}
PARTITIONS=${PARTITIONS:-2}
printf 'jar\tround\tready_ms\tevaluator_ms\tjvm_cpu_s\tpg_cpu_s\tload1\tcaught_up_ms\tjvm_cpu_caught_up_s\n' | tee $OUT/start.tsv
for r in $(seq 1 $ROUNDS); do
  for jar in "$@"; do
    rm -rf $OUT/data; cp -a "$DATA" $OUT/data; rm -f $OUT/data/pg/postmaster.pid
    echo "$(basename $jar) round $r: $(uptime)" >> $OUT/uptime.log
    http=$(port); pg=$(port); t0=$(date +%s%3N)
    SHOAL_HTTP_HOST=127.0.0.1 SHOAL_HTTP_PORT=$http SHOAL_DATA_DIR=$OUT/data SHOAL_EMBEDDED_PG_PORT=$pg \
      SHOAL_ADMIN_KEY=bench-admin-key-0123456789 java -jar "$jar" >$OUT/shoal.log 2>&1 &
    PID=$!
    until curl -sf -m 5 -o /dev/null "http://127.0.0.1:$http/health/ready"; do  # -m: one request hung 10 min (base, 16:20)
      kill -0 $PID 2>/dev/null || { tail -20 $OUT/shoal.log; exit 1; }; sleep 0.1; done
    t1=$(date +%s%3N)
    cpu=$(awk -v hz=$HZ '{printf "%.1f", ($14+$15)/hz}' /proc/$PID/stat)
    pgc=$(pg_cpu "$(head -1 $OUT/data/pg/postmaster.pid)")
    ev=$(grep -o 'in [0-9]* ms' $OUT/shoal.log | sed 's/in \([0-9]*\) ms/\1/' | sort -n | tail -1)
    load=$(cut -d' ' -f1 /proc/loadavg); t2=$t1; cpu2=$cpu
    if unzip -p "$jar" io/shoal/segment/eval/SegmentEvaluatorVerticle.class | grep -aq 'due while it was down'; then
      for i in $(seq 1 1800); do
        [ "$(grep -c 'due while it was down ran' $OUT/shoal.log)" -ge $PARTITIONS ] && break; sleep 0.1; done
      t2=$(date +%s%3N); cpu2=$(awk -v hz=$HZ '{printf "%.1f", ($14+$15)/hz}' /proc/$PID/stat)
    fi
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(basename $jar)" $r $((t1-t0)) "$ev" $cpu $pgc $load $((t2-t0)) $cpu2 | tee -a $OUT/start.tsv
    grep 'due while it was down' $OUT/shoal.log >> $OUT/overdue.log || true
    kill $PID; wait $PID 2>/dev/null || true
  done
done
rm -rf $OUT/data
