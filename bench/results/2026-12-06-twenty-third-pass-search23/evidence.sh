#!/bin/bash
# evidence.sh PORT OUTDIR SEED: per search class and connection count: CPU of Shoal and of PostgreSQL
# per request around one wrk run (12 s, after 3 s warm-up), pg_stat_statements; then per-term latency (perterm.py)
port=$1 out=$2 SEED=$3; mkdir -p $out; . $SEED/store.env
export PGPASSWORD=postgres; P="psql -w -h 127.0.0.1 -p $((port+2)) -U postgres -d postgres -X"
spid=$(ss -ltnpH "sport = :$port" | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2)
ppid=$(ss -ltnpH "sport = :$((port+2))" | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2)
tk() { local t=0; for p in "$@"; do f=($(cut -d')' -f2- /proc/$p/stat 2>/dev/null)); t=$((t + ${f[11]:-0} + ${f[12]:-0})); done; echo $t; }
pgall() { echo $ppid $(cat /proc/$ppid/task/$ppid/children); }
W=/work/wt/search23/bench/wrk/shoal.lua
for conns in 8 64; do for s in surname email; do
  q=$SEED/terms-$s.txt
  wrk -t2 -c8 -d3s -s $W http://127.0.0.1:$port -- search $STORE_ID $API_KEY $q >/dev/null
  $P -qc "SELECT pg_stat_statements_reset()" >/dev/null
  uptime > $out/$s-$conns-uptime.txt
  s0=$(tk $spid); p0=$(tk $(pgall))
  wrk -t2 -c$conns -d12s --timeout 10s -s $W http://127.0.0.1:$port -- search $STORE_ID $API_KEY $q > $out/$s-$conns-wrk.txt 2>&1
  s1=$(tk $spid); p1=$(tk $(pgall))
  req=$(grep -o 'requests=[0-9]*' $out/$s-$conns-wrk.txt | cut -d= -f2)
  echo "$s conns=$conns $(grep RESULT $out/$s-$conns-wrk.txt) server_ms_per_req=$(echo "($s1-$s0)*10/$req" | bc -l | cut -c1-6) pg_ms_per_req=$(echo "($p1-$p0)*10/$req" | bc -l | cut -c1-6)" | tee -a $out/summary.txt
  $P -c "SELECT calls, rows, plans, round(total_plan_time::numeric,0) AS plan_ms, round(total_exec_time::numeric,0) AS exec_ms, round((total_exec_time/greatest(calls,1))::numeric,3) AS ms_per_call, round(((total_plan_time+total_exec_time)*1000/$req)::numeric,0) AS us_per_req, shared_blks_hit+shared_blks_read AS blks, left(regexp_replace(query,'\s+',' ','g'),120) AS q FROM pg_stat_statements ORDER BY total_exec_time+total_plan_time DESC LIMIT 8" > $out/$s-$conns-pgss.txt
done; done
for conns in 8 64; do python3 /work/search23-work/tools/perterm.py $port $SEED surname $conns 15 > $out/perterm-surname-$conns.txt; done
python3 /work/search23-work/tools/perterm.py $port $SEED email 8 15 > $out/perterm-email-8.txt
uptime >> $out/summary.txt
