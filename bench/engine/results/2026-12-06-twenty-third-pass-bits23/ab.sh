#!/usr/bin/env bash
# Issue 14 step 2 (bits23): 202 -> transition side by side, base (main 061989d, slot bits) against new (branch
# bits23, member bitmaps): 30k customers x 1,000 segments, no webhooks, each run on a fresh copy of lead17's
# seeded data set, one bench-lock hold per run (/work/notes/benchlock -x), uptime recorded (as lead22's ab-flag.sh).
# Usage: ORDER="base new new base" RATES="1000" ab.sh
set -u
cd /work/wt/bits23
J=/work/bits23-work/lat
W=$J/bw
mkdir -p $J/logs $W
for side in ${ORDER:-base new new base}; do
  jar=$J/jars/$side.jar
  rm -rf $W/data-small && cp -a /work/lead17-work/data-30k $W/data-small && rm -f $W/data-small/pg/postmaster.pid
  echo "track_commit_timestamp = on" >> $W/data-small/pg/postgresql.auto.conf
  /work/notes/benchlock -x bash -c "
  echo \"=== $side \$(date -u +%H:%M:%S) uptime: \$(uptime)\" | tee -a $J/logs/ab.log
  STEPS=latency LAT_RATES=\"${RATES:-1000}\" LAT_DURATION=${DUR:-30} LAT_WARMUP=10 CUSTOMERS=30000 \
    SEGMENTS=1000 RUNS=1 PROFILE=0 QUIET_MAX=0 WORK_DIR=$W JAR=$jar bench/engine/run.sh --skip-build --reuse-data \
    > $J/logs/run-$side-\$(date -u +%H%M%S).log 2>&1
  "
  res=$(ls -td $W/results/2026* | head -1)
  echo "$side $res $(date -u +%H:%M:%S)" >> $J/logs/ab.log
  grep -E "^latency" $res/raw.tsv | cut -c1-400 >> $J/logs/ab.log
done
rm -rf $W/data-small
echo "=== done $(date -u +%H:%M:%S)" >> $J/logs/ab.log
