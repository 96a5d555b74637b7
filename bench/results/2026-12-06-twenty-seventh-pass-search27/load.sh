#!/bin/bash
# load.sh NAME PORT KIND FILE CONNS DUR OUT [JFR]: wrk load on a running server (serve.sh NAME), with CPU per request of the
# JVM and its PostgreSQL (/proc), pg_stat_statements reset before and dumped after; optional JFR of the run.
set -e
name=$1 port=$2 kind=$3 file=$4 conns=$5 dur=$6 out=$7 jfr=${8:-0}
SEED=/work/search24-work/seed/data/bench-seed; . $SEED/store.env
export PGPASSWORD=postgres; P="psql -w -h 127.0.0.1 -p $((port+2)) -U postgres -d postgres -X"
spid=$(cat /work/search27-work/runs/$name/pid)
ppid=$(ss -ltnpH "sport = :$((port+2))" | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2)
tk() { local t=0; for p in "$@"; do f=($(cut -d')' -f2- /proc/$p/stat 2>/dev/null)); t=$((t + ${f[11]:-0} + ${f[12]:-0})); done; echo $t; }
pgall() { echo $ppid $(pgrep -P $ppid); }
mkdir -p $out
wrk -t2 -c$conns -d3s -s /work/wt/search27/bench/wrk/shoal.lua http://127.0.0.1:$port -- $kind $STORE_ID $API_KEY $file > /dev/null
$P -qc "SELECT pg_stat_statements_reset()" >/dev/null
[ "$jfr" = 1 ] && jcmd $spid JFR.start name=ev settings=profile duration=$((dur-1))s filename=$out/run.jfr >/dev/null
l0=$(cut -d' ' -f1 /proc/loadavg); s0=$(tk $spid); p0=$(tk $(pgall))
wrk -t2 -c$conns -d${dur}s --timeout 10s -s /work/wt/search27/bench/wrk/shoal.lua http://127.0.0.1:$port -- $kind $STORE_ID $API_KEY $file > $out/wrk.txt 2>&1
s1=$(tk $spid); p1=$(tk $(pgall)); l1=$(cut -d' ' -f1 /proc/loadavg)
req=$(grep '^RESULT' $out/wrk.txt | tr ' ' '\n' | grep '^requests=' | cut -d= -f2)
echo "$(grep '^RESULT' $out/wrk.txt) shoal_ms_per_req=$(echo "($s1-$s0)*10/$req" | bc -l | cut -c1-5) pg_ms_per_req=$(echo "($p1-$p0)*10/$req" | bc -l | cut -c1-5) load=$l0..$l1" | tee $out/summary.txt
$P -c "SELECT calls, rows, plans, round(total_plan_time::numeric,0) AS plan_ms, round(total_exec_time::numeric,0) AS exec_ms, round((total_exec_time/greatest(calls,1))::numeric,3) AS ms_per_call, round(((total_plan_time+total_exec_time)*1000/$req)::numeric,0) AS us_per_req, shared_blks_hit+shared_blks_read AS blks, left(regexp_replace(query,'\s+',' ','g'),150) AS q FROM pg_stat_statements ORDER BY total_exec_time+total_plan_time DESC LIMIT 12" > $out/pgss.txt
if [ "$jfr" = 1 ]; then sleep 2; jfr print --json --stack-depth 64 --events jdk.ExecutionSample $out/run.jfr > $out/run.json; python3 /work/wt/search27/bench/tools/jfr_summary.py $out/run.json > $out/jfr.txt; rm -f $out/run.json; fi
