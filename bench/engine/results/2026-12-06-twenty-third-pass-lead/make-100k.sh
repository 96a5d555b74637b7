#!/usr/bin/env bash
# 100k customers x 1,000 segments, seeded and synced by the base jar (bits23's step 2), kept for start A/B.
cd /work/wt/lead23
echo "uptime: $(uptime)"
JAR=/work/lead23-work/jars/base-1047cf7.jar WORK_DIR=/work/lead23-work/e100k/work CUSTOMERS=100000 SEGMENTS=1000 \
  STEPS=none QUIET_PCT=400 QUIET_MAX=0 bench/engine/run.sh --skip-build --keep-data
echo "uptime: $(uptime)"
