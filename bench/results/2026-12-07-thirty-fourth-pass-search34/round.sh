#!/bin/bash
# round.sh N FIRST(base|new): one side-by-side round of bench/run.sh's surname search at 1M, one bench-lock hold:
# base = main 79e004d's jar, new = branch search34's jar, each a fresh start of the server on the same kept copy of
# lead33's fresh 1M seed (sides one after the other, FIRST first), SCENARIOS=search_surname, 64 then 8 connections,
# RUNS=2 x 20 s after a 10 s warm-up, PROBES=0.
set -u
N=$1; FIRST=$2
W=/work/search34-work; WT=/work/wt/search34
order="base new"; [ "$FIRST" = new ] && order="new base"
echo "round $N start $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
for side in $order; do
  jar=$W/jars/main-79e004d.jar; [ $side = new ] && jar=$W/jars/new.jar
  echo "== $side $(date -u +%T) $(sha1sum $jar | cut -c1-12)"
  SHOAL_JAR=$jar WORK_DIR=$W/ab RUNS=2 DURATION=20 WARMUP=10 PROBES=0 QUIET_MAX=30 \
    HTTP_PORT=18334 CEILING_PORT=18394 PG_PORT=54334 SCENARIOS=search_surname LIGHT_SCENARIOS=search_surname \
    $WT/bench/run.sh --keep-data --skip-build > $W/results/round$N-$side.log 2>&1
  rc=$?; d=$(ls -d $W/ab/results/* | tail -1); cp -r $d $W/results/round$N-$side-raw
  echo "rc=$rc $d"
  grep -E "run [12]:" $W/results/round$N-$side.log
done
echo "round $N end $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
