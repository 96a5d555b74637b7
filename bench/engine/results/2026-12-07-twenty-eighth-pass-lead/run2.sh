#!/usr/bin/env bash
cd /work/wt/lead28
. /work/counts25-work/seed/bench-store.env
/work/lead28-work/pgsample.sh /work/lead28-work/sl2/pgact.txt &
S=$!
RESULTS=/work/lead28-work/sl2 lock=0 SEED_DIR=/work/counts25-work/seed STORE_ID=$STORE_ID API_KEY=$API_KEY CUSTOMERS=30000 EXISTING=0 SYNC=200 RATE=200 \
  JAVA_OPTS="-XX:MaxTenuringThreshold=1 -XX:StartFlightRecording=filename=/work/lead28-work/sl2/rec.jfr,settings=profile -Xlog:gc:file=/work/lead28-work/sl2/gc.log" ORDER="base" \
  bench/engine/sync-live.sh base=/work/lead28-work/jars/base.jar
kill $S
