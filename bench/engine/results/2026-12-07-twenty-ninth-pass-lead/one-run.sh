#!/usr/bin/env bash
# lead29: one run.sh STEPS=ingest INGEST_MODES=single at 30k x 1,000 on a fresh copy of counts25's vacuumed seed
# (ingest26's one-run.sh). Usage (inside benchlock -x): one-run.sh SIDE   SIDE = pre74|v74 (jars/SIDE.jar)
set -u
side=$1
J=/work/lead29-work
W=$J/rw
mkdir -p $W $J/logs
cd /work/wt/lead29-b
rm -rf $W/data-small && cp -a /work/counts25-work/seed $W/data-small && rm -f $W/data-small/pg/postmaster.pid
sync
tag=$side-$(date -u +%H%M%S)
echo "=== $side $(date -u +%H:%M:%S) load: $(cat /proc/loadavg)" | tee -a $J/logs/runs.log
env JAVA_OPTS=-XX:MaxTenuringThreshold=1 STEPS=ingest INGEST_MODES=single RUNS=1 CUSTOMERS=30000 SEGMENTS=1000 \
  PROFILE=0 QUIET_MAX=0 WORK_DIR=$W JAR=$J/jars/$side.jar bench/engine/run.sh --skip-build --reuse-data > $J/logs/run-$tag.log 2>&1
res=$(ls -td $W/results/2026* | head -1)
echo "=== end $side $(date -u +%H:%M:%S) load: $(cat /proc/loadavg) $res" | tee -a $J/logs/runs.log
grep -E "^ingest" $res/raw.tsv | sed "s/^/$side\t/" | cut -c1-700 | tee -a $J/logs/runs.log
rm -rf $W/data-small
