#!/usr/bin/env bash
# jvm36 (sets35's one.sh): single-event ingest runs at 30k x 1,000, RUNS=1, 20 s after WARMUP (5) s, 64 connections,
# for each side in ORDER, each on a fresh copy of seed/ made beforehand by prep.sh (no migration in any run).
# run.sh is main's. snap.sh takes each thread's CPU at the window's ends (thr.py); PERF=1 records perf (perfjvm.sh).
set -u
S=/work/jvm36-work
cd /work/wt/jvm36
J=$S/one
W=$J/rw
mkdir -p $W $J/logs
for side in ${ORDER:-base new}; do
  rm -rf $W/data-small
  pre=$(ls -d $S/copies/c-* 2>/dev/null | grep -v tmp | head -1)
  if [ -n "$pre" ]; then mv $pre $W/data-small; else cp -a $S/seed $W/data-small; fi
  rm -f $W/data-small/pg/postmaster.pid
  sync
  tag=$side-$(date -u +%H%M%S)
  echo "=== $side $(date -u +%H:%M:%S) warmup ${WARMUP:-5} load: $(cat /proc/loadavg)" | tee -a $J/logs/runs.log
  $S/snap.sh $J/logs/$tag-threads.tsv & tp=$!
  pp=; if [ "${PERF:-0}" = 1 ]; then $S/perfjvm.sh $J/logs/$tag-perf & pp=$!; fi
  env JAVA_OPTS="-XX:MaxTenuringThreshold=1 ${EXTRA_OPTS:-}" STEPS=ingest INGEST_MODES=single RUNS=1 WARMUP=${WARMUP:-5} \
    CUSTOMERS=30000 SEGMENTS=1000 PROFILE=${PROFILE:-0} QUIET_MAX=0 WORK_DIR=$W JAR=$S/$side.jar \
    bench/engine/run.sh --skip-build --reuse-data > $J/logs/run-$tag.log 2>&1
  kill $tp 2>/dev/null; [ -n "$pp" ] && wait $pp
  res=$(ls -td $W/results/2026* | head -1)
  echo "=== end $side $(date -u +%H:%M:%S) load: $(cat /proc/loadavg) $res" | tee -a $J/logs/runs.log
  grep -E "^ingest" $res/raw.tsv | sed "s/^/$side\t/" | cut -c1-900 | tee -a $J/logs/runs.log
  eps=$(grep -E "^ingest" $res/raw.tsv | grep -o 'eps=[0-9.]*' | head -1 | cut -d= -f2)
  $S/thr.py $J/logs/$tag-threads.tsv $eps | tee -a $J/logs/runs.log
  for f in $res/profile-* $res/raw.tsv $res/wrk-* $res/top-*; do [ -e "$f" ] && cp $f $J/logs/$tag-$(basename $f); done
done
rm -rf $W/data-small
