#!/bin/bash
cd /work/wt/full35
echo "start $(date -u +%H:%M:%S) main $(git rev-parse --short HEAD)"
WORK_DIR=/work/lead33-work/bench RUNS=2 QUIET_MAX=0 SCENARIOS="list_metadata" LIGHT_SCENARIOS="list_metadata" bench/run.sh --keep-data --skip-build
echo "end $(date -u +%H:%M:%S) rc=$?"
