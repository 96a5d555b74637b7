#!/usr/bin/env bash
# cpu.sh side : prints "java_ticks pg_ticks" (utime+stime, all threads/processes) for side's server
W=/work/wt/reads17c/bench/work17c
jp=$(cat $W/$1.pid); pm=$(head -1 $W/data-$1/pg/postmaster.pid)
j=$(awk '{print $14+$15}' /proc/$jp/stat)
p=0; for pid in $pm $(pgrep -P $pm); do t=$(awk '{print $14+$15}' /proc/$pid/stat 2>/dev/null || echo 0); p=$((p+t)); done
echo "$j $p"
