#!/usr/bin/env bash
# hot36 (sets35s one.sh): single-event ingest runs at 30k x 1,000, RUNS=1, 20 s after 5 s, 64 connections, for each
# side in ORDER, each on a fresh copy of seed-SIDE made beforehand by prep.sh (seed-base, seed-new: tools/mkseeds.sh,
# one seed, the state table rewritten on both sides, no migration in a measured run). run.sh is the worktree's with
# steady31's run-sh.patch (pg_stat_statements' buffers and WAL per statement, pg_stat_user_tables).
set -u
S=/work/hot36-work
cd /work/wt/hot36
J=$S/one
W=$J/rw
mkdir -p $W $J/logs
for side in ${ORDER:-base new}; do
  rm -rf $W/data-small
  pre=$(ls -d $S/copies/$side-* 2>/dev/null | grep -v tmp | head -1)
  if [ -n "$pre" ]; then mv $pre $W/data-small; else cp -a $S/seed-$side $W/data-small; fi
  rm -f $W/data-small/pg/postmaster.pid
  sync
  tag=$side-$(date -u +%H%M%S)
  echo "=== $side $(date -u +%H:%M:%S) load: $(cat /proc/loadavg)" | tee -a $J/logs/runs.log
  env JAVA_OPTS=-XX:MaxTenuringThreshold=1 STEPS=ingest INGEST_MODES="${MODES:-single}" RUNS=1 \
    CUSTOMERS=30000 SEGMENTS=1000 PROFILE=0 QUIET_MAX=0 WORK_DIR=$W JAR=$S/$side.jar \
    bench/engine/run.sh --skip-build --reuse-data > $J/logs/run-$tag.log 2>&1
  res=$(ls -td $W/results/2026* | head -1)
  echo "=== end $side $(date -u +%H:%M:%S) load: $(cat /proc/loadavg) $res" | tee -a $J/logs/runs.log
  grep -E "^ingest" $res/raw.tsv | sed "s/^/$side\t/" | cut -c1-700 | tee -a $J/logs/runs.log
  for f in $res/pg-top-ingest.txt $res/pg-io-ingest.txt $res/pg-wal-ingest.txt $res/pg-tables-ingest.txt; do cp $f $J/logs/$tag-$(basename $f) 2>/dev/null; done
done
rm -rf $W/data-small
