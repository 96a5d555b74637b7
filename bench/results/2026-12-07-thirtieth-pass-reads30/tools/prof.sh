#!/bin/bash
# prof.sh NAME PORT PID DUR "CLASSES" CONNS: one server (serve.sh, pg_stat_statements on), per class: 2 s warm-up at 8
# connections, pg_stat_statements reset, DUR s of wrk at CONNS; per class: req/s, latency, CPU ms/req of the JVM and its
# PostgreSQL, pool wait/use, pg_stat_statements (calls, ms, buffers a call), load. Run inside benchlock -x.
name=$1 port=$2 spid=$3 DUR=$4 CLASSES=$5 CONNS=$6
W=/work/reads30-work/prof/$name; mkdir -p $W; SEED=/work/reads30-work/seed-new
. $SEED/bench-seed/store.env
LUA=/work/wt/reads30/bench/wrk/shoal.lua
export PGPASSWORD=postgres; P="psql -w -h 127.0.0.1 -p $((port+2)) -U postgres -d postgres -Xq"
tk() { local t=0; for p in "$@"; do f=($(cut -d')' -f2- /proc/$p/stat 2>/dev/null)); t=$((t + ${f[11]:-0} + ${f[12]:-0})); done; echo $t; }
pgpids() { local pm; pm=$(ss -ltnpH "sport = :$(($1+2))" | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2); echo $pm $(pgrep -P $pm); }
scrape() { curl -s "http://127.0.0.1:$1/metrics" | awk '/^vertx_pool_(queue_time|usage)_seconds_(sum|count)\{pool_name="shoal-pg"/ {split($1,a,"{"); n=a[1]; sub(/^vertx_pool_/,"",n); print n"="$2}' | sort | tr '\n' ' '; }
val() { echo "$1" | tr ' ' '\n' | grep "^$2=" | cut -d= -f2; }
$P -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements"
for class in $CLASSES; do
  f=$SEED/bench-seed/queries-$class.txt
  wrk -t2 -c8 -d2s -s $LUA http://127.0.0.1:$port -- list $STORE_ID $API_KEY $f > /dev/null
  $P -c "select pg_stat_statements_reset()" > /dev/null
  m0=$(scrape $port); s0=$(tk $spid); pg=$(pgpids $port); p0=$(tk $pg); l0=$(cut -d' ' -f1 /proc/loadavg); t0=$(date -u +%T)
  wrk -t2 -c$CONNS -d${DUR}s --timeout 10s -s $LUA http://127.0.0.1:$port -- list $STORE_ID $API_KEY $f > $W/$class-$CONNS.wrk 2>&1
  s1=$(tk $spid); p1=$(tk $(pgpids $port)); m1=$(scrape $port); l1=$(cut -d' ' -f1 /proc/loadavg)
  n=$(grep '^RESULT' $W/$class-$CONNS.wrk | tr ' ' '\n' | grep '^requests=' | cut -d= -f2)
  python3 -c "
n=$n; d=lambda a,b: float(b or 0)-float(a or 0)
qs=d('$(val "$m0" queue_time_seconds_sum)','$(val "$m1" queue_time_seconds_sum)'); qc=d('$(val "$m0" queue_time_seconds_count)','$(val "$m1" queue_time_seconds_count)')
us=d('$(val "$m0" usage_seconds_sum)','$(val "$m1" usage_seconds_sum)'); uc=d('$(val "$m0" usage_seconds_count)','$(val "$m1" usage_seconds_count)')
print('$class conns=$CONNS $t0 jvm_ms_req=%.3f pg_ms_req=%.3f pool_wait_ms=%.2f pool_use_ms=%.2f uses_per_req=%.2f load=$l0-$l1' % (($s1-$s0)*10/n, ($p1-$p0)*10/n, qs*1000/max(qc,1), us*1000/max(uc,1), uc/n))" | tee -a $W/summary.txt
  grep '^RESULT' $W/$class-$CONNS.wrk | tee -a $W/summary.txt
  $P -F $'\t' -A -c "select calls, round(total_exec_time::numeric,1) exec_ms, round(total_plan_time::numeric,1) plan_ms, round(((total_exec_time+total_plan_time)/calls)::numeric,3) ms_call, (shared_blks_hit+shared_blks_read)/calls bufs_call, left(regexp_replace(query, '\s+', ' ', 'g'), 3000) from pg_stat_statements where calls > 5 order by total_exec_time+total_plan_time desc limit 12" > $W/$class-$CONNS.pgss
done
