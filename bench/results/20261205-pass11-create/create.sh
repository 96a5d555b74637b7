#!/usr/bin/env bash
# create.sh side port conns dur : wrk create run, prints rps p50 p99 and CPU ms per create (java, pg)
W=/work/wt/reads17c/bench/work17c; cd /work/wt/reads17c
. $W/data/bench-seed/store.env
a=($($W/cpu.sh $1)); l=$(cut -d' ' -f1 /proc/loadavg)
r=$(wrk -t2 -c$3 -d${4}s --timeout 10s -s bench/wrk/shoal.lua http://127.0.0.1:$2 -- create $STORE_ID $API_KEY 2>&1 | grep '^RESULT')
b=($($W/cpu.sh $1))
n=$(echo "$r" | sed 's/.*requests=\([0-9]*\).*/\1/')
echo "$(date -u +%T) $1 c=$3 load=$l $r java_ms_per=$(echo "scale=3; ($((b[0]-a[0])))*10/$n" | bc) pg_ms_per=$(echo "scale=3; ($((b[1]-a[1])))*10/$n" | bc)"
