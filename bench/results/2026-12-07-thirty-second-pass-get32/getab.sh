#!/usr/bin/env bash
# get32: branch get32 against main (same base 13590d3), bench/run.sh SCENARIOS='ceiling get' at 64 and 8 connections,
# each side a freshly started server on the same 1M seed (read-only scenarios), the README's JVM flags (bench/run.sh's
# default), one run of 20 s a scenario after a 10 s warm-up. Called once per bench-lock hold with the sides in order:
#   benchlock -x getab.sh ROUND SIDE SIDE     (SIDE: base | new)
# Beside each run, /proc/<server pid>/stat is sampled every second (user and system ticks: cpu-<side>-<round>.tsv).
set -u
ROUND=$1; shift
# STOP: end the hold here (this script's caller, the hold, is stopped too), so the bench lock is free again
if [ -e /work/get32-work/ab/STOP ]; then echo "STOP before round $ROUND $(date -u +%T)"; kill $PPID; exit 0; fi
export WORK_DIR=/work/get32-work/bench RUNS=1 QUIET_MAX=0 SCENARIOS='ceiling get' LIGHT_SCENARIOS='ceiling get'
export HTTP_PORT=18180 CEILING_PORT=18190 PG_PORT=54429
OUT=/work/get32-work/ab
cd /work/wt/get32
for side in "$@"; do
  jar=/work/get32-work/main-13590d3.jar; [ "$side" = new ] && jar=/work/get32-work/get32.jar
  echo "$side round $ROUND start $(date -u +%T) load $(cat /proc/loadavg) jar $(sha1sum $jar | cut -c1-12)"
  ( # CPU sampler: the server's utime/stime each second while it runs
    while :; do
      pid=$(pgrep -f "^java .*-jar $WORK_DIR/server-under-test.jar" | head -1)
      if [ -n "$pid" ]; then
        echo -e "$(date +%s.%N)\t$(awk '{print $14"\t"$15}' /proc/$pid/stat 2>/dev/null)"
      fi
      sleep 1
    done ) > $OUT/cpu-$side-$ROUND.tsv &
  sampler=$!
  SHOAL_JAR=$jar bench/run.sh --keep-data --skip-build > $OUT/run-$side-$ROUND.log 2>&1
  rc=$?
  kill $sampler
  res=$(ls -t $WORK_DIR/results | head -1)
  cp -r $WORK_DIR/results/$res $OUT/$side-$ROUND
  echo "$side round $ROUND end $(date -u +%T) rc=$rc load $(cat /proc/loadavg) results $res"
done
