#!/usr/bin/env bash
# main's start at 100k x 1,000 with a JFR CPU profile: where a start spends its time now.
set -u
D=/work/lead23-work/prof/data; OUT=/work/lead23-work/prof
rm -rf $D; cp -a /work/lead23-work/e100k/work/data-small $D; rm -f $D/pg/postmaster.pid $D/pg/epg-lock
echo "uptime: $(uptime)"
# first start: migrations the data set lacks, then stop (so the profiled start is a plain restart)
for run in warm prof; do
  opts=""
  [ $run = prof ] && opts="-XX:StartFlightRecording=filename=$OUT/start.jfr,settings=profile"
  t0=$(date +%s%3N)
  SHOAL_HTTP_HOST=127.0.0.1 SHOAL_HTTP_PORT=38121 SHOAL_DATA_DIR=$D SHOAL_EMBEDDED_PG_PORT=38122 SHOAL_ADMIN_KEY=bench-admin-key-0123456789 \
    java -XX:MaxTenuringThreshold=1 $opts -jar /work/lead23-work/jars/base-main.jar > $OUT/shoal-$run.log 2>&1 &
  PID=$!
  until curl -sf -o /dev/null http://127.0.0.1:38121/health/ready; do sleep 0.1; done
  echo "$run ready_ms=$(( $(date +%s%3N) - t0 )) $(grep -o 'ready: [0-9]* customers, log at seq [0-9]*, in [0-9]* ms' $OUT/shoal-$run.log | sed 's/.* in //' | tr '\n' ' ')"
  [ $run = prof ] && jcmd $PID JFR.dump name=1 filename=$OUT/start.jfr > /dev/null 2>&1
  kill $PID; wait $PID
done
rm -rf $D
echo "uptime: $(uptime)"
