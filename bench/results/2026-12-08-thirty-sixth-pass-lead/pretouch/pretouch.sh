#!/usr/bin/env bash
# lead36: heap pre-touch's get signal (gc36's open question): the README's flags (base) against the same plus
# -XX:+AlwaysPreTouch -XX:InitialRAMPercentage=25 (new), jar main 4a0a9ad, on the kept 1M set (read-only scenarios),
# ceiling + get + get_uniform, 2 runs of 15 s after 5 s, order base new new base
set -u
cd /work/main
F="-XX:MaxTenuringThreshold=1 -XX:+UseTransparentHugePages"
for side in base new new base; do
  opts="$F"; [ $side = new ] && opts="$F -XX:+AlwaysPreTouch -XX:InitialRAMPercentage=25"
  echo "=== $side $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
  SHOAL_JAR=/work/lead36-work/new.jar SERVER_JAVA_OPTS="$opts" WORK_DIR=/work/lead33-work/bench RUNS=2 DURATION=15 WARMUP=5 \
    QUIET_MAX=0 PROBES=0 SCENARIOS="ceiling get get_uniform" LIGHT_CONNS=0 bench/run.sh --keep-data --skip-build 2>&1 \
    | grep -E "run [12]:|ready|results in" | cut -c1-260
done
echo "end $(date -u +%T)"
