#!/usr/bin/env bash
# ingest.sh SIDE: one bench/engine run.sh STEPS=ingest INGEST_MODES=single at 30k x 1,000 on a fresh copy of counts25's vacuumed
# seed (the lead's /work/lead29-work/one-run.sh); SIDE base = main with -XX:MaxTenuringThreshold=1, thp = the same + THP.
set -u
side=$1
J=/work/start31-work; W=$J/rw; mkdir -p $W $J/ingest-logs
OPTS=-XX:MaxTenuringThreshold=1; [ $side = thp ] && OPTS="$OPTS -XX:+UseTransparentHugePages"
cd /work/wt/start31
rm -rf $W/data-small && cp -a /work/counts25-work/seed $W/data-small && rm -f $W/data-small/pg/postmaster.pid
sync
tag=$side-$(date -u +%H%M%S)
echo "=== $side $(date -u +%H:%M:%S) load: $(cat /proc/loadavg)" | tee -a $J/ingest-logs/runs.log
env JAVA_OPTS="$OPTS" STEPS=ingest INGEST_MODES=single RUNS=1 CUSTOMERS=30000 SEGMENTS=1000 \
  PROFILE=0 QUIET_MAX=0 WORK_DIR=$W JAR=$J/base.jar bench/engine/run.sh --skip-build --reuse-data > $J/ingest-logs/run-$tag.log 2>&1
res=$(ls -td $W/results/2026* | head -1)
echo "=== end $side $(date -u +%H:%M:%S) load: $(cat /proc/loadavg) $res" | tee -a $J/ingest-logs/runs.log
grep -E "^ingest" $res/raw.tsv | sed "s/^/$side\t/" | cut -c1-700 | tee -a $J/ingest-logs/runs.log
rm -rf $W/data-small
