#!/bin/bash
cd /work/wt/full35
echo "start $(date -u +%H:%M:%S) main $(git rev-parse --short HEAD)"
SERVER_JAVA_OPTS="-XX:MaxTenuringThreshold=1 -XX:+UseTransparentHugePages -Xlog:gc*:file=/work/lead33-work/gc35.log:uptime,time,level,tags" \
WORK_DIR=/work/lead33-work/bench RUNS=2 QUIET_MAX=0 SCENARIOS="" LIGHT_SCENARIOS="list_metadata" bench/run.sh --keep-data --skip-build
echo "end $(date -u +%H:%M:%S) rc=$?"
