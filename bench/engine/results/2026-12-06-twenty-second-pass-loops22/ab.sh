#!/usr/bin/env bash
# Side by side for issue 14's 202 -> transition figure (latency18): 30k customers x 1,000 segments, no
# webhooks, each run on a fresh copy of lead17's seeded data set (/work/lead17-work/data-30k), under the
# bench lock (one lock hold per run). Usage: ORDER="base new new base" RATES="200 500 1000" ab.sh
# Jars in $J/jars (<side>.jar); uptime recorded before each run.
set -u
cd /work/wt/loops22
J=/work/loops22-work/lat
W=$J/bw
mkdir -p $J/logs $W
for side in ${ORDER:-base new new base}; do
  jar=$J/jars/$side.jar
  rm -rf $W/data-small && cp -a /work/lead17-work/data-30k $W/data-small && rm -f $W/data-small/pg/postmaster.pid
  echo "track_commit_timestamp = on" >> $W/data-small/pg/postgresql.auto.conf # LatencyLoad then reports 202 -> committed too
  /work/notes/benchlock -x bash -c "
  echo \"=== $side \$(date -u +%H:%M:%S) uptime: \$(uptime)\" | tee -a $J/logs/ab.log
  STEPS=latency LAT_RATES=\"${RATES:-200 500 1000}\" LAT_DURATION=${DUR:-30} LAT_WARMUP=10 CUSTOMERS=30000 \
    SEGMENTS=1000 RUNS=1 PROFILE=0 QUIET_MAX=0 WORK_DIR=$W JAR=$jar bench/engine/run.sh --skip-build --reuse-data \
    > $J/logs/run-$side-\$(date -u +%H%M%S).log 2>&1
  "
  res=$(ls -td $W/results/2026* | head -1)
  echo "$side $res $(date -u +%H:%M:%S)" >> $J/logs/ab.log
  grep -E "^latency" $res/raw.tsv | cut -c1-400 >> $J/logs/ab.log
  grep -h "STAGES" $res/shoal-*.log > $res/stages.txt 2>/dev/null
done
rm -rf $W/data-small
echo "=== done $(date -u +%H:%M:%S)" >> $J/logs/ab.log
