#!/usr/bin/env bash
# loops22: one sync-live run of new with JFR (diagnosis only, not counted), own hold; skipped after 07:36
set -u
W=/work/loops22-work
[ "$(date -u +%H%M)" -lt 0736 ] || { echo "jfr skipped: past 07:36" >> $W/run-all.log; exit 0; }
cd /work/wt/loops22
. /work/lead18-work/seed100k/store.env
mkdir -p $W/sync/jfr
echo "jfr start $(date -u +%T) uptime: $(uptime)" >> $W/run-all.log
JAVA_OPTS="-XX:StartFlightRecording=filename=$W/sync/jfr/new.jfr,settings=profile,dumponexit=true" SEED_DIR=/work/lead18-work/seed100k/data-seed \
  STORE_ID=$STORE_ID API_KEY=$API_KEY CUSTOMERS=100000 lock=0 ORDER=new RESULTS=$W/sync/jfr-run \
  bench/engine/sync-live.sh new=$W/jars/new.jar > $W/sync/jfr-run.out 2>&1
echo "jfr done $(date -u +%T)" >> $W/run-all.log
