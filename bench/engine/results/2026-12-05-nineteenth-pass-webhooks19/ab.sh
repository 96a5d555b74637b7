#!/usr/bin/env bash
# Side by side: 10 endpoints taking batches of 100, 30k customers x 1,000 segments, each run on a
# fresh copy of one seeded data set (/work/lead17-work/data-30k, never modified). Usage:
# ORDER="base new new base" ab.sh; jars in /work/webhooks19-work/jars (BASE=, NEW= override).
# Records uptime before each run; Shoal's and PostgreSQL's CPU come from run.sh (latency_cpu_*).
# Run each step under flock -x /work/bench.lock (the caller takes it per run).
set -u
cd /work/wt/webhooks19
J=/work/webhooks19-work
mkdir -p $J/logs
for side in ${ORDER:-base new new base}; do
  case $side in base) jar=${BASE:-$J/jars/base-d0e30a7.jar} ;; new) jar=${NEW:-$J/jars/new.jar} ;; *) jar=$J/jars/$side.jar ;; esac
  rm -rf bench/engine/work/data-small && cp -a /work/lead17-work/data-30k bench/engine/work/data-small
  echo "=== $side $(basename $jar) $(date -u +%H:%M:%S) uptime: $(uptime)" | tee -a $J/logs/ab.log
  WEBHOOKS=10 WEBHOOK_BATCH=100 STEPS=latency LAT_RATES="200 1000" LAT_DURATION=30 LAT_WARMUP=10 CUSTOMERS=30000 \
    SEGMENTS=1000 RUNS=1 PROFILE=0 QUIET_MAX=0 JAR=$jar bench/engine/run.sh --skip-build --reuse-data \
    > $J/logs/run-$side-$(date -u +%H%M%S).log 2>&1
  res=$(ls -td bench/engine/work/results/2026* | head -1)
  echo "$side $res $(date -u +%H:%M:%S)" >> $J/logs/ab.log
  grep -E "latency|webhook|WEBHOOK" $res/raw.tsv | cut -c1-500 >> $J/logs/ab.log
  cp bench/engine/work/logs/shoal*.log $res/ 2>/dev/null
done
rm -rf bench/engine/work/data-small
echo "=== done $(date -u +%H:%M:%S)" >> $J/logs/ab.log
