#!/usr/bin/env bash
# second round: the batching build with WEBHOOK_BATCH (max_batch_size of the bench's endpoints)
set -u
cd /work/wt/webhooks15
J=/work/wt/webhooks15-jars
for side in ${ORDER:-newbatch}; do
  case $side in base) jar=$J/base-e625095.jar; B= ;; new) jar=$NEWJAR; B= ;; newbatch) jar=$NEWJAR; B=${BATCH:-100} ;; esac
  rm -rf bench/engine/work/data-small && cp -a $J/data-snap bench/engine/work/data-small
  echo "=== $side $(basename $jar) batch=${B:-1} $(date -u +%H:%M:%S) load: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a $J/logs/ab.log
  env ${B:+WEBHOOK_BATCH=$B} WEBHOOKS=10 STEPS=latency LAT_RATES="${RATES:-200 1000}" LAT_DURATION=30 LAT_WARMUP=10 CUSTOMERS=30000 SEGMENTS=1000 \
    RUNS=1 PROFILE=0 QUIET_MAX=0 JAR=$jar bench/engine/run.sh --skip-build --reuse-data > $J/logs/run-$side-$(date -u +%H%M%S).log 2>&1
  res=$(ls -td bench/engine/work/results/2026* | head -1)
  echo "$side $res" >> $J/logs/ab.log
  grep -E "latency_|WEBHOOK" $res/raw.tsv | cut -c1-400 >> $J/logs/ab.log
done
rm -rf bench/engine/work/data-small
echo "=== done $(date -u +%H:%M:%S)" >> $J/logs/ab.log
