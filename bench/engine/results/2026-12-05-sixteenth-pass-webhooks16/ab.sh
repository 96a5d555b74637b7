#!/usr/bin/env bash
# base new new base: 10 endpoints taking batches of 100, 30k customers x 1,000 segments, each run
# on a fresh copy of one data set (seeded with the base jar, run.sh --keep-data, STEPS=none).
# Usage: ab.sh [ORDER="base new new base"]; this machine's paths (/work/wh16).
set -u
cd /work/wt/webhooks16
J=/work/wh16
mkdir -p $J/logs
for side in ${ORDER:-base new new base}; do
  case $side in base) jar=$J/base-5aacd5e.jar ;; new) jar=$J/new-65fcd12.jar ;; esac
  rm -rf bench/engine/work/data-small && cp -a $J/data-snap bench/engine/work/data-small
  echo "=== $side $(basename $jar) $(date -u +%H:%M:%S) uptime: $(uptime)" | tee -a $J/logs/ab.log
  WEBHOOKS=10 WEBHOOK_BATCH=100 STEPS=latency LAT_RATES="200 1000" LAT_DURATION=30 LAT_WARMUP=10 CUSTOMERS=30000 \
    SEGMENTS=1000 RUNS=1 PROFILE=0 QUIET_MAX=0 JAR=$jar bench/engine/run.sh --skip-build --reuse-data \
    > $J/logs/run-$side-$(date -u +%H%M%S).log 2>&1
  res=$(ls -td bench/engine/work/results/2026* | head -1)
  echo "$side $res $(date -u +%H:%M:%S)" >> $J/logs/ab.log
  grep -E "latency|webhook|WEBHOOK" $res/raw.tsv | cut -c1-500 >> $J/logs/ab.log
done
rm -rf bench/engine/work/data-small
echo "=== done $(date -u +%H:%M:%S)" >> $J/logs/ab.log
