#!/usr/bin/env bash
# steady28: latency runs of ORDER (jar names in /work/steady28-work/jars) in one bench-lock hold
# (call as: benchlock -x ab.sh). counts25's ab.sh with this helper's paths: each run a fresh copy of counts25's
# vacuumed 30k x 1,000 seed (then sync), track_commit_timestamp on, -XX:MaxTenuringThreshold=1 plus a GC log;
# STEPS=latency at RATES in turn on one server, DUR s each of which 10 s warm-up.
# PROFILE=1: JFR profile of the first run's middle part at each rate (run.sh's profile_start).
set -u
cd /work/steady28-work/benchroot
J=/work/steady28-work/ab
W=$J/bw
mkdir -p $J/logs $J/events $W
SEEDDIR=${SEEDDIR:-/work/counts25-work/seed}
# rates.override (one line): the rates of a run already queued
[ -f /work/steady28-work/rates.override ] && RATES=$(cat /work/steady28-work/rates.override)
for side in ${ORDER:-base new}; do
  # a copy prepared outside the lock (PREP: prep.sh) if there is one, else copied here
  rm -rf $W/data-small
  pre=$(ls -d /work/steady28-work/copies/c* 2>/dev/null | head -1)
  if [ -n "$pre" ]; then mv $pre $W/data-small; else cp -a $SEEDDIR $W/data-small; fi
  rm -f $W/data-small/pg/postmaster.pid
  echo "track_commit_timestamp = on" >> $W/data-small/pg/postgresql.auto.conf
  sync
  tag=$side-lat-$(date -u +%H%M%S)
  echo "=== $side (lat ${RATES:-1000 1500 2000 2500} dur=${DUR:-40} seed=$SEEDDIR) $(date -u +%H:%M:%S) load: $(cat /proc/loadavg)" | tee -a $J/logs/ab.log
  # side norefit: main's jar with the background metrics refit's check once a day (none during the run)
  jar=$side; sideenv=""
  if [ "$side" = norefit ]; then jar=base; sideenv="SHOAL_METRICS_CHECK_INTERVAL_MS=86400000"; fi
  env $sideenv EVENTS_OUT=$J/events/$tag.tsv JAVA_OPTS="-XX:MaxTenuringThreshold=1 -Xlog:gc:file=$J/logs/gc-$tag.log ${EXTRA_JAVA:-}" STEPS=latency LAT_RATES="${RATES:-1000 1500 2000 2500}" LAT_DURATION=${DUR:-40} \
    LAT_WARMUP=10 CUSTOMERS=30000 SEGMENTS=1000 RUNS=1 PROFILE=${PROFILE:-0} QUIET_MAX=0 WORK_DIR=$W JAR=/work/steady28-work/jars/$jar.jar \
    bench/engine/run.sh --skip-build --reuse-data > $J/logs/run-$tag.log 2>&1
  res=$(ls -td $W/results/2026* | head -1)
  echo "$side $res end $(date -u +%H:%M:%S) load: $(cat /proc/loadavg)" >> $J/logs/ab.log
  grep -E "^(latency|ingest)" $res/raw.tsv | cut -c1-600 >> $J/logs/ab.log
  echo "$side blocked warnings: $(grep -c 'has been blocked' $res/shoal-*.log | tr '\n' ' ')" >> $J/logs/ab.log
  for f in $res/pg-top-*.txt; do [ -f "$f" ] && cp $f $J/logs/$tag-$(basename $f); done
done
rm -rf $W/data-small
echo "=== done $(date -u +%H:%M:%S)" >> $J/logs/ab.log
