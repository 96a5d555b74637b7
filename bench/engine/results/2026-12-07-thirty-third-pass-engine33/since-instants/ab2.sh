#!/usr/bin/env bash
# engine33 step 2 (engine32's ab.sh, this helper's paths and sides): latency runs of each side in ORDER, a fresh copy of its
# side's seed each, track_commit_timestamp on, -XX:MaxTenuringThreshold=1; STEPS=latency at RATES (default 1000) on one
# server, DUR s each (default 40) of which 10 s warm-up; run.sh with steady31's run-sh.patch (pg-io-latency.txt).
set -u
S=/work/engine33-work
cd /work/wt/engine33-base
J=$S/ab2
W=$J/bw
mkdir -p $J/logs $W
for side in ${ORDER:-b2 s2}; do
  rm -rf $W/data-small
  pre=$(ls -d $S/copies/$side-* 2>/dev/null | grep -v tmp | head -1)
  if [ -n "$pre" ]; then mv $pre $W/data-small; else cp -a $S/seed-$side $W/data-small; fi
  rm -f $W/data-small/pg/postmaster.pid
  echo "track_commit_timestamp = on" >> $W/data-small/pg/postgresql.auto.conf
  sync
  tag=$side-$(date -u +%H%M%S)
  echo "=== $side (lat ${RATES:-1000} dur=${DUR:-40}) $(date -u +%H:%M:%S) load: $(cat /proc/loadavg)" | tee -a $J/logs/ab.log
  JAVA_OPTS="-XX:MaxTenuringThreshold=1" STEPS=latency LAT_RATES="${RATES:-1000}" LAT_DURATION=${DUR:-40} \
    LAT_WARMUP=10 CUSTOMERS=30000 SEGMENTS=1000 RUNS=1 PROFILE=0 QUIET_MAX=0 WORK_DIR=$W JAR=$S/$side.jar \
    bench/engine/run.sh --skip-build --reuse-data > $J/logs/run-$tag.log 2>&1
  res=$(ls -td $W/results/2026* | head -1)
  echo "$side $res end $(date -u +%H:%M:%S) load: $(cat /proc/loadavg)" >> $J/logs/ab.log
  grep -E "^(latency|ingest)" $res/raw.tsv | cut -c1-600 >> $J/logs/ab.log
  for f in $res/pg-top-*.txt $res/pg-wal-*.txt $res/pg-io-*.txt $res/pg-tables-*.txt; do [ -f "$f" ] && cp $f $J/logs/$tag-$(basename $f); done
done
rm -rf $W/data-small
echo "=== done $(date -u +%H:%M:%S)" >> $J/logs/ab.log
