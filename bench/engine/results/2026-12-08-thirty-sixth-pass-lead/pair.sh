#!/usr/bin/env bash
# lead36: single-event ingest at 30k x 1,000, 64 connections, after a 60 s warm-up (jvm36: after 5 s the JIT still
# takes ~30 % of Shoal's CPU), RUNS=1 of 20 s, for each side in ORDER (base = main 050cc53, the session's start;
# new = main after this session's landings, V81 included: it migrates the copy at its start, before the runs), each
# on a fresh copy of one seed; the README's JVM flags on both sides.
set -u
L=/work/lead36-work
cd /work/wt/suite36
W=$L/rw
mkdir -p $W $L/logs
for side in ${ORDER:-base new}; do
  rm -rf $W/data-small
  cp -a $L/seed $W/data-small
  rm -f $W/data-small/pg/postmaster.pid
  sync
  tag=$side-$(date -u +%H%M%S)
  echo "=== $side $(date -u +%H:%M:%S) load: $(cat /proc/loadavg)" | tee -a $L/logs/runs.log
  env JAVA_OPTS="-XX:MaxTenuringThreshold=1 -XX:+UseTransparentHugePages" STEPS=ingest INGEST_MODES=single RUNS=1 \
    WARMUP=60 CUSTOMERS=30000 SEGMENTS=1000 PROFILE=0 QUIET_MAX=0 WORK_DIR=$W JAR=$L/$side.jar \
    bench/engine/run.sh --skip-build --reuse-data > $L/logs/run-$tag.log 2>&1
  res=$(ls -td $W/results/2026* | head -1)
  echo "=== end $side $(date -u +%H:%M:%S) load: $(cat /proc/loadavg) $res" | tee -a $L/logs/runs.log
  grep -E "^ingest" $res/raw.tsv | sed "s/^/$side\t/" | cut -c1-900 | tee -a $L/logs/runs.log
  mkdir -p $L/logs/$tag; cp $res/raw.tsv $res/pg-*-ingest.txt $L/logs/$tag/ 2>/dev/null
done
rm -rf $W/data-small
