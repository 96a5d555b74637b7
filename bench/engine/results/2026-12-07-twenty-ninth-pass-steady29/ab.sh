#!/usr/bin/env bash
# steady29: latency runs of ORDER (side names; sides/<name> sets JARNAME and XOPTS, default jar base, no extra
# options) in one bench-lock hold (call as: benchlock -x ab.sh). steady28's ab.sh with this helper's paths: each run
# a fresh copy of counts25's vacuumed 30k x 1,000 seed (then sync), track_commit_timestamp on,
# -XX:MaxTenuringThreshold=1 plus a detailed GC log (gc*: phases, cpu); STEPS=latency at RATES in turn on one
# server, DUR s each of which 10 s warm-up. PROFILE=1: JFR (settings=profile) of each rate's middle part.
set -u
S=/work/steady29-work
cd $S/benchroot
J=$S/ab
W=$J/bw
mkdir -p $J/logs $J/events $W
SEEDDIR=${SEEDDIR:-/work/counts25-work/seed}
for side in ${ORDER:-base}; do
  rm -rf $W/data-small
  pre=$(ls -d $S/copies/c* 2>/dev/null | grep -v tmp | head -1)
  if [ -n "$pre" ]; then mv $pre $W/data-small; else cp -a $SEEDDIR $W/data-small; fi
  rm -f $W/data-small/pg/postmaster.pid
  echo "track_commit_timestamp = on" >> $W/data-small/pg/postgresql.auto.conf
  sync
  JARNAME=base; XOPTS=""
  [ -f $S/sides/$side ] && . $S/sides/$side
  tag=$side-$(date -u +%H%M%S)
  echo "=== $side (lat ${RATES:-500 1000 1500} dur=${DUR:-40} jar=$JARNAME xopts=$XOPTS) $(date -u +%H:%M:%S) load: $(cat /proc/loadavg)" | tee -a $J/logs/ab.log
  EVENTS_OUT=$J/events/$tag.tsv JAVA_OPTS="-XX:MaxTenuringThreshold=1 -Xlog:gc*:file=$J/logs/gc-$tag.log:utctime,uptime,tags $XOPTS" STEPS=latency LAT_RATES="${RATES:-500 1000 1500}" LAT_DURATION=${DUR:-40} \
    LAT_WARMUP=10 CUSTOMERS=30000 SEGMENTS=1000 RUNS=1 PROFILE=${PROFILE:-0} QUIET_MAX=0 WORK_DIR=$W JAR=$S/jars/$JARNAME.jar \
    bench/engine/run.sh --skip-build --reuse-data > $J/logs/run-$tag.log 2>&1
  res=$(ls -td $W/results/2026* | head -1)
  echo "$side $res end $(date -u +%H:%M:%S) load: $(cat /proc/loadavg)" >> $J/logs/ab.log
  grep -E "^(latency|ingest)" $res/raw.tsv | cut -c1-600 >> $J/logs/ab.log
  echo "$side blocked warnings: $(grep -c 'has been blocked' $res/shoal-*.log | tr '\n' ' ')" >> $J/logs/ab.log
  for f in $res/pg-top-*.txt $res/profile-*.jfr; do [ -f "$f" ] && cp $f $J/logs/$tag-$(basename $f); done
done
rm -rf $W/data-small
echo "=== done $(date -u +%H:%M:%S)" >> $J/logs/ab.log
