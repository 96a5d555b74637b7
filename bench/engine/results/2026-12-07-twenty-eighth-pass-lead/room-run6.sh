#!/usr/bin/env bash
SEED_DIR=/work/start24-work/run100k/data-small STORE_ID=store_j1d66nnvmv449vgbydpx API_KEY=wk_live_f0ck6tacj7xh291dmj6ksjvv78z7yqph JAVA_OPTS=-XX:MaxTenuringThreshold=1 RESULTS=/work/lead28-work/bf6 bench/engine/backfill-side-by-side.sh /work/lead28-work/jars/base.jar /work/lead28-work/jars/room3.jar 100000 2 8
cd /work/wt/lead28
. /work/counts25-work/seed/bench-store.env
RESULTS=/work/lead28-work/sl6 lock=0 SEED_DIR=/work/counts25-work/seed STORE_ID=$STORE_ID API_KEY=$API_KEY CUSTOMERS=30000 EXISTING=0 SYNC=200 RATE=200   JAVA_OPTS="-XX:MaxTenuringThreshold=1" ORDER="room3 base base room3"   bench/engine/sync-live.sh base=/work/lead28-work/jars/base.jar room3=/work/lead28-work/jars/room3.jar
