#!/usr/bin/env bash
# counts25: runs of ORDER in one bench-lock hold (call as: benchlock -x ab.sh). Each run: a fresh copy of the
# vacuumed seed (30k x 1,000; then sync), track_commit_timestamp on, -XX:MaxTenuringThreshold=1.
# MODE=batch: STEPS=ingest INGEST_MODES=batch (20 s after 5 s warm-up). MODE=lat: STEPS=latency at RATES, 30 s of which 10 s warm-up.
set -u
cd /work/counts25-work/benchroot
J=/work/counts25-work/ab
W=$J/bw
mkdir -p $J/logs $J/events $W
MODE=${MODE:-batch}
SEEDDIR=${SEEDDIR:-/work/counts25-work/seed}
for side in ${ORDER:-base new}; do
  rm -rf $W/data-small && cp -a $SEEDDIR $W/data-small && rm -f $W/data-small/pg/postmaster.pid
  echo "track_commit_timestamp = on" >> $W/data-small/pg/postgresql.auto.conf
  sync
  tag=$side-$MODE-$(date -u +%H%M%S)
  echo "=== $side ($MODE ${RATES:-500 1000} seed=$SEEDDIR) $(date -u +%H:%M:%S) load: $(cat /proc/loadavg)" | tee -a $J/logs/ab.log
  if [ "$MODE" = batch ]; then
    env JAVA_OPTS=-XX:MaxTenuringThreshold=1 STEPS=ingest INGEST_MODES=batch CUSTOMERS=30000 SEGMENTS=1000 RUNS=1 PROFILE=0 \
      QUIET_MAX=0 WORK_DIR=$W JAR=/work/counts25-work/jars/$side.jar bench/engine/run.sh --skip-build --reuse-data > $J/logs/run-$tag.log 2>&1
  else
    env EVENTS_OUT=$J/events/$tag.tsv JAVA_OPTS=-XX:MaxTenuringThreshold=1 STEPS=latency LAT_RATES="${RATES:-500 1000}" LAT_DURATION=${DUR:-30} \
      LAT_WARMUP=10 CUSTOMERS=30000 SEGMENTS=1000 RUNS=1 PROFILE=0 QUIET_MAX=0 WORK_DIR=$W JAR=/work/counts25-work/jars/$side.jar \
      bench/engine/run.sh --skip-build --reuse-data > $J/logs/run-$tag.log 2>&1
  fi
  res=$(ls -td $W/results/2026* | head -1)
  echo "$side $res end $(date -u +%H:%M:%S) load: $(cat /proc/loadavg)" >> $J/logs/ab.log
  grep -E "^(latency|ingest)" $res/raw.tsv | cut -c1-600 >> $J/logs/ab.log
  for f in $res/pg-top-*.txt; do [ -f "$f" ] && cp $f $J/logs/$tag-$(basename $f); done
done
rm -rf $W/data-small
echo "=== done $(date -u +%H:%M:%S)" >> $J/logs/ab.log
