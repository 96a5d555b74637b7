#!/usr/bin/env bash
# engine32 (steady31's ab.sh, this helper's paths): latency runs of each side in ORDER, a fresh copy of the vacuumed
# 30k x 1,000 seed each, track_commit_timestamp on, -XX:MaxTenuringThreshold=1 plus a GC log; STEPS=latency at RATES
# in turn on one server, DUR s each of which 10 s warm-up. benchroot's run.sh (steady31's run-sh.patch) also writes
# pg-io-latency.txt (per statement: buffers, WAL records, full-page images, WAL bytes) and pg-tables-latency.txt.
set -u
S=/work/engine32-work
cd $S/benchroot
J=$S/ab
W=$J/bw
mkdir -p $J/logs $W
for side in ${ORDER:-base}; do
  rm -rf $W/data-small
  pre=$(ls -d $S/copies/c* 2>/dev/null | grep -v tmp | head -1)
  if [ -n "$pre" ]; then mv $pre $W/data-small; else cp -a $S/seed $W/data-small; fi
  rm -f $W/data-small/pg/postmaster.pid
  echo "track_commit_timestamp = on" >> $W/data-small/pg/postgresql.auto.conf
  sync
  tag=$side-$(date -u +%H%M%S)
  echo "=== $side (lat ${RATES:-1000 1500} dur=${DUR:-40}) $(date -u +%H:%M:%S) load: $(cat /proc/loadavg)" | tee -a $J/logs/ab.log
  JAVA_OPTS="-XX:MaxTenuringThreshold=1 -Xlog:gc*:file=$J/logs/gc-$tag.log:utctime,uptime,tags" STEPS=latency LAT_RATES="${RATES:-1000 1500}" LAT_DURATION=${DUR:-40} \
    LAT_WARMUP=10 CUSTOMERS=30000 SEGMENTS=1000 RUNS=1 PROFILE=0 QUIET_MAX=0 WORK_DIR=$W JAR=$S/jars/$side.jar \
    bench/engine/run.sh --skip-build --reuse-data > $J/logs/run-$tag.log 2>&1
  res=$(ls -td $W/results/2026* | head -1)
  echo "$side $res end $(date -u +%H:%M:%S) load: $(cat /proc/loadavg)" >> $J/logs/ab.log
  grep -E "^(latency|ingest)" $res/raw.tsv | cut -c1-600 >> $J/logs/ab.log
  for f in $res/pg-top-*.txt $res/pg-wal-*.txt $res/pg-io-*.txt $res/pg-tables-*.txt; do [ -f "$f" ] && cp $f $J/logs/$tag-$(basename $f); done
  for f in $res/shoal-*.log; do cp $f $J/logs/$tag-$(basename $f); done
done
rm -rf $W/data-small
echo "=== done $(date -u +%H:%M:%S)" >> $J/logs/ab.log
