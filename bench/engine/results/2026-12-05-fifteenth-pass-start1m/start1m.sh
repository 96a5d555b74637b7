#!/usr/bin/env bash
# 1M customers x 1,000 segments: start (ready), the interrupted syncs resumed until all are done, then a second start.
set -u
JAR=/tmp/jars15/newfix.jar; D=/work/wt/m1/data-small; H=36500; P=52400; OUT=/work/wt/m1/start1m; mkdir -p $OUT
start() {
  t0=$(date +%s%3N)
  SHOAL_HTTP_HOST=127.0.0.1 SHOAL_HTTP_PORT=$H SHOAL_DATA_DIR=$D SHOAL_EMBEDDED_PG_PORT=$P java -jar $JAR >> $OUT/shoal-$1.log 2>&1 &
  PID=$!
  until curl -sf -o /dev/null http://127.0.0.1:$H/health/ready; do sleep 0.1; kill -0 $PID || { echo "died"; exit 1; }; done
  echo "$1 ready_ms=$(( $(date +%s%3N) - t0 )) load=$(cut -d' ' -f1 /proc/loadavg) $(grep -o 'Evaluator partition [0-9]/2 ready: [0-9]* customers, log at seq [0-9]*, in [0-9]* ms' $OUT/shoal-$1.log | sed 's/.*ready: //' | tr '\n' ' ')" | tee -a $OUT/summary.txt
}
stop() { kill $PID; wait $PID; }
start first
t0=$(date +%s)
while true; do
  n=$(psql -h 127.0.0.1 -p $P -U postgres -d postgres -At -c "select count(*) from segments where sync_status <> 'done'")
  [ "$n" = 0 ] && break
  sleep 10
done
echo "synced_after_start_s=$(( $(date +%s) - t0 )) load=$(cut -d' ' -f1 /proc/loadavg)" | tee -a $OUT/summary.txt
psql -h 127.0.0.1 -p $P -U postgres -d postgres -At -c "select count(*), sum(cardinality(segment_nums)) from customer_eval_state" | tee -a $OUT/summary.txt
stop
start second
sleep 5; jcmd $PID GC.run >/dev/null; sleep 2; echo "heap $(jcmd $PID GC.heap_info | head -2 | tr '\n' ' ')" | tee -a $OUT/summary.txt
stop
start third
stop
