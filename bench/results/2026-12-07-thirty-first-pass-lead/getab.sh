#!/usr/bin/env bash
# lead31: get31's branch (91e0a8f jar) against main (suite31's jar), bench/run.sh SCENARIOS='ceiling get' at 64 and 8,
# each side a fresh server on the same 1M data (read-only scenarios), the README's JVM flags (bench/run.sh's default),
# 2 rounds alternating; inside benchlock -x, nothing else running. Results: $WORK_DIR/results/<time>/.
export WORK_DIR=/work/lead31-work/bench RUNS=1 QUIET_MAX=0 SCENARIOS='ceiling get' LIGHT_SCENARIOS='ceiling get'
cd /work/wt/suite31
run() { # side jar round
  echo "$1 round $3 start $(date -u +%T) load $(cat /proc/loadavg)"
  SHOAL_JAR=$2 bench/run.sh --keep-data --skip-build > /work/lead31-work/getab-$1-$3.log 2>&1
  echo "$1 round $3 end $(date -u +%T) rc=$? load $(cat /proc/loadavg) results $(ls -t $WORK_DIR/results | head -1)"
}
run base /work/lead31-work/main.jar 1; run new /work/lead31-work/get31-91e0a8f.jar 1
run new /work/lead31-work/get31-91e0a8f.jar 2; run base /work/lead31-work/main.jar 2
