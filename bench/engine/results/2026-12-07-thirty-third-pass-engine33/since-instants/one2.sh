#!/usr/bin/env bash
# engine33 step 2 (one.sh with the data kept): single-event ingest of each side in ORDER (jars SIDE.jar, seeds seed-SIDE:
# each pre-migrated by its jar and vacuumed), then batches of 1,000 (MODES), RUNS=1, 20 s after 5 s; the data set after
# the run kept as after-TAG (the state rows measured with rowsizes.sql outside the lock, then deleted)
set -u
S=/work/engine33-work
cd /work/wt/engine33-base
J=$S/one2
mkdir -p $J/logs
for side in ${ORDER:-b2 s2}; do
  W=$J/rw-$side
  rm -rf $W/data-small; mkdir -p $W
  pre=$(ls -d $S/copies/$side-* 2>/dev/null | grep -v tmp | head -1)
  if [ -n "$pre" ]; then mv $pre $W/data-small; else cp -a $S/seed-$side $W/data-small; fi
  rm -f $W/data-small/pg/postmaster.pid
  sync
  tag=$side-$(date -u +%H%M%S)
  echo "=== $side $(date -u +%H:%M:%S) load: $(cat /proc/loadavg)" | tee -a $J/logs/runs.log
  env JAVA_OPTS=-XX:MaxTenuringThreshold=1 STEPS=ingest INGEST_MODES="${MODES:-single}" RUNS=1 \
    CUSTOMERS=30000 SEGMENTS=1000 PROFILE=0 QUIET_MAX=0 WORK_DIR=$W JAR=$S/$side.jar \
    bench/engine/run.sh --skip-build --reuse-data --keep-data > $J/logs/run-$tag.log 2>&1
  res=$(ls -td $W/results/2026* | head -1)
  echo "=== end $side $(date -u +%H:%M:%S) load: $(cat /proc/loadavg) $res" | tee -a $J/logs/runs.log
  grep -E "^ingest" $res/raw.tsv | sed "s/^/$side\t/" | cut -c1-700 | tee -a $J/logs/runs.log
  for f in $res/pg-top-ingest.txt $res/pg-io-ingest.txt $res/pg-wal-ingest.txt $res/pg-tables-ingest.txt; do cp $f $J/logs/$tag-$(basename $f) 2>/dev/null; done
  mv $W/data-small $S/after-$tag
done
