#!/usr/bin/env bash
# loops22: ONE benchlock -x hold (time was short): sync-live new then base, then the steady-state ab new then base.
set -u
W=/work/loops22-work
cd /work/wt/loops22
. /work/lead18-work/seed100k/store.env
echo "hold start $(date -u +%T) uptime: $(uptime)" >> $W/run-all.log
SEED_DIR=/work/lead18-work/seed100k/data-seed STORE_ID=$STORE_ID API_KEY=$API_KEY CUSTOMERS=100000 lock=0 ORDER="new base" \
  RESULTS=$W/sync/runs bench/engine/sync-live.sh base=$W/jars/base.jar new=$W/jars/new.jar > $W/sync/runs.out 2>&1
echo "sync done $(date -u +%T)" >> $W/run-all.log
ORDER="new base" RATES="200 1000" DUR=30 $W/lat/ab-nolock.sh >> $W/lat/nohup.log 2>&1
echo "ab2 done $(date -u +%T)" >> $W/run-all.log
