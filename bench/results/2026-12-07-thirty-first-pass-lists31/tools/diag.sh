#!/bin/bash
# diag.sh TAG PORT DUR CONNS "CLASSES": per class: 8 s warm-up at 64 (standard wrk), pg_stat_statements reset, DUR s of
# timed.lua at CONNS (one connection a wrk thread: per-request log), then DUR s of standard wrk (-t2) at CONNS; pgss top.
TAG=$1 port=$2 DUR=$3 CONNS=$4 CLASSES=$5
W=/work/lists31-work/diag/$TAG; mkdir -p $W; SEED=/work/lists31-work/base-data/bench-seed; . $SEED/store.env
T=/work/lists31-work/tools; LUA=/work/wt/lists31/bench/wrk/shoal.lua
export PGPASSWORD=postgres; P="psql -w -h 127.0.0.1 -p $((port+2)) -U postgres -d postgres -Xq"
$P -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" 2>/dev/null
for c in $CLASSES; do
  mode=${c%%:*} cl=${c#*:}; f=$([ $mode = search ] && echo $SEED/terms-$cl.txt || echo $SEED/queries-$cl.txt)
  wrk -t2 -c64 -d8s -s $LUA http://127.0.0.1:$port -- $mode $STORE_ID $API_KEY $f | grep '^RESULT' | sed "s/^/warm $cl /"
  $P -c "select pg_stat_statements_reset()" > /dev/null
  echo "$cl timed start $(date -u +%T.%N) load $(cat /proc/loadavg)" | tee -a $W/log.txt
  wrk -t$CONNS -c$CONNS -d${DUR}s --timeout 10s -s $T/timed.lua http://127.0.0.1:$port -- $mode $STORE_ID $API_KEY $f $W/$cl-$CONNS | grep RESULT | tee -a $W/log.txt
  $P -F $'\t' -A -c "select calls, round(total_exec_time::numeric,1) exec_ms, round(mean_exec_time::numeric,3) mean_ms, round(max_exec_time::numeric,2) max_ms, round(stddev_exec_time::numeric,3) sd_ms, round(total_plan_time::numeric,1) plan_ms, (shared_blks_hit+shared_blks_read)/calls bufs_call, left(regexp_replace(query, '\s+', ' ', 'g'), 1500) from pg_stat_statements where calls > 5 order by total_exec_time+total_plan_time desc limit 10" > $W/$cl-$CONNS.pgss
  echo "$cl std start $(date -u +%T.%N) load $(cat /proc/loadavg)" | tee -a $W/log.txt
  wrk -t2 -c$CONNS -d${DUR}s --timeout 10s -s $LUA http://127.0.0.1:$port -- $mode $STORE_ID $API_KEY $f | grep RESULT | tee -a $W/log.txt
done
echo "end $(date -u +%T) load $(cat /proc/loadavg)" | tee -a $W/log.txt
