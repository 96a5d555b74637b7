#!/usr/bin/env bash
# base/new/new/base at 30k x 1,000, 10 webhook endpoints, each run on a fresh copy of one data set
set -u
cd /work/wt/webhooks15
J=/work/wt/webhooks15-jars
ORDER=${ORDER:-"base new new base"}
NEWJAR=${NEWJAR:-$(ls -t $J/new-*.jar | head -1)}
for side in $ORDER; do
  jar=$J/base-e625095.jar; [ "$side" = new ] && jar=$NEWJAR
  rm -rf bench/engine/work/data-small && cp -a $J/data-snap bench/engine/work/data-small
  echo "=== $side $(basename $jar) $(date -u +%H:%M:%S) load: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a $J/logs/ab.log
  WEBHOOKS=10 STEPS=latency LAT_RATES="${RATES:-200 1000}" LAT_DURATION=30 LAT_WARMUP=10 CUSTOMERS=30000 SEGMENTS=1000 \
    RUNS=1 PROFILE=0 QUIET_MAX=0 JAR=$jar bench/engine/run.sh --skip-build --reuse-data > $J/logs/run-$side-$(date -u +%H%M%S).log 2>&1
  res=$(ls -td bench/engine/work/results/2026* | head -1)
  echo "$side $res" >> $J/logs/ab.log
  grep -E "latency_|WEBHOOK" $res/raw.tsv | cut -c1-400 >> $J/logs/ab.log
done
rm -rf bench/engine/work/data-small
echo "=== done $(date -u +%H:%M:%S)" >> $J/logs/ab.log
