#!/bin/bash
# evidence.sh NAME JAR PORT OUT: serve JAR on a fresh copy; one at a time per term (email, surname); then per class
# and connection count: perterm.py (15 s) with pg_stat_statements around it and CPU of Shoal / PostgreSQL; stop.
set -e
name=$1 jar=$2 port=$3 out=$4; T=/work/search24-work/tools; SEED=/work/search24-work/seed/data/bench-seed
mkdir -p $out; uptime > $out/uptime-start.txt
$T/serve.sh $name $jar $port | tee $out/ready.txt
export PGPASSWORD=postgres; P="psql -w -h 127.0.0.1 -p $((port+2)) -U postgres -d postgres -X"
spid=$(cat /work/search24-work/runs/$name/pid)
ppid=$(ss -ltnpH "sport = :$((port+2))" | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2)
tk() { local t=0; for p in "$@"; do f=($(cut -d')' -f2- /proc/$p/stat 2>/dev/null)); t=$((t + ${f[11]:-0} + ${f[12]:-0})); done; echo $t; }
pgall() { echo $ppid $(cat /proc/$ppid/task/$ppid/children); }
for s in surname email; do python3 $T/oneatatime.py $port $SEED $s 3 > $out/one-$s.txt; done
for s in surname email; do for conns in 8 64; do
  python3 $T/perterm.py $port $SEED $s 8 4 > /dev/null   # warm-up
  $P -qc "SELECT pg_stat_statements_reset()" >/dev/null
  l0=$(cut -d' ' -f1 /proc/loadavg); s0=$(tk $spid); p0=$(tk $(pgall))
  python3 $T/perterm.py $port $SEED $s $conns 15 > $out/perterm-$s-$conns.txt
  s1=$(tk $spid); p1=$(tk $(pgall)); l1=$(cut -d' ' -f1 /proc/loadavg)
  req=$(head -1 $out/perterm-$s-$conns.txt | awk '{print $2}')
  echo "$s conns=$conns $(head -1 $out/perterm-$s-$conns.txt) shoal_ms_per_req=$(echo "($s1-$s0)*10/$req" | bc -l | cut -c1-5) pg_ms_per_req=$(echo "($p1-$p0)*10/$req" | bc -l | cut -c1-5) load=$l0..$l1" | tee -a $out/summary.txt
  $P -c "SELECT calls, rows, plans, round(total_plan_time::numeric,0) AS plan_ms, round(total_exec_time::numeric,0) AS exec_ms, round((total_exec_time/greatest(calls,1))::numeric,3) AS ms_per_call, round(((total_plan_time+total_exec_time)*1000/$req)::numeric,0) AS us_per_req, shared_blks_hit+shared_blks_read AS blks, left(regexp_replace(query,'\s+',' ','g'),150) AS q FROM pg_stat_statements ORDER BY total_exec_time+total_plan_time DESC LIMIT 10" > $out/pgss-$s-$conns.txt
done; done
if [ "${JFR:-0}" = 1 ]; then
  . $SEED/store.env
  jcmd $spid JFR.start name=ev settings=profile duration=12s filename=$out/surname-8.jfr >/dev/null
  wrk -t2 -c8 -d12s --timeout 10s -s /work/wt/search24/bench/wrk/shoal.lua http://127.0.0.1:$port -- search $STORE_ID $API_KEY $SEED/terms-surname.txt > $out/jfr-wrk.txt 2>&1
  sleep 2; jfr print --json --stack-depth 64 --events jdk.ExecutionSample $out/surname-8.jfr > $out/surname-8.json
  python3 /work/wt/search24/bench/tools/jfr_summary.py $out/surname-8.json > $out/surname-8-jfr.txt; rm -f $out/surname-8.json
fi
uptime > $out/uptime-end.txt
$T/stop.sh $name
