#!/bin/bash
# diag2.sh TAG PORT DUR CONNS "CLASSES": per class: 3 s warm-up at CONNS (standard wrk), then DUR s of timed.lua at
# CONNS with cpusample.py alongside (JVM threads, PostgreSQL, wrk, others every 100 ms).
TAG=$1 port=$2 DUR=$3 CONNS=$4 CLASSES=$5
W=/work/lists31-work/diag/$TAG; mkdir -p $W; SEED=/work/lists31-work/base-data/bench-seed; . $SEED/store.env
T=/work/lists31-work/tools; LUA=/work/wt/lists31/bench/wrk/shoal.lua
spid=$(ss -ltnpH "sport = :$port" | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2)
for c in $CLASSES; do
  mode=${c%%:*} cl=${c#*:}; f=$([ $mode = search ] && echo $SEED/terms-$cl.txt || echo $SEED/queries-$cl.txt)
  wrk -t2 -c$CONNS -d3s -s $LUA http://127.0.0.1:$port -- $mode $STORE_ID $API_KEY $f > /dev/null
  [ -n "$SAMPLE" ] && python3 $T/cpusample.py $spid $((port+2)) $((DUR+1)) $W/$cl-$CONNS.cpu &
  chrt -f 50 python3 $T/gaps.py $((DUR+1)) $W/$cl-$CONNS.gaps &
  (echo "select clock_timestamp()::time, pid, coalesce(wait_event_type,'-'), coalesce(wait_event,'-'), round(extract(epoch from clock_timestamp()-query_start)*1000) from pg_stat_activity where state='active' and pid<>pg_backend_pid() and backend_type='client backend' \\watch 0.01") | PGPASSWORD=postgres timeout $((DUR+1)) psql -h 127.0.0.1 -p $((port+2)) -U postgres -d postgres -XAtq -F ' ' > $W/$cl-$CONNS.act &
  echo "$cl timed start $(date -u +%T.%N) load $(cat /proc/loadavg)" | tee -a $W/log.txt
  wrk -t$CONNS -c$CONNS -d${DUR}s --timeout 10s -s $T/timed.lua http://127.0.0.1:$port -- $mode $STORE_ID $API_KEY $f $W/$cl-$CONNS | grep RESULT | tee -a $W/log.txt
  wait
done
echo "end $(date -u +%T) load $(cat /proc/loadavg)" | tee -a $W/log.txt
