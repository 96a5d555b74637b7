#!/usr/bin/env bash
cd /work/wt/ingest25
echo "=== prof1 start $(date -u +%H:%M:%S) load: $(cat /proc/loadavg)" >> /work/ingest25-work/runs.log
STATS=1 PROFILE=1 DURATION=20 WARMUP=10 WORK_DIR=/work/ingest25-work/ic bench/engine/ingest-cpu.sh base=/work/ingest25-work/jars/base.jar 2>&1 | tee -a /work/ingest25-work/runs.log
RUNS=1 /work/ingest25-work/run-single.sh base-prof /work/ingest25-work/jars/base.jar 1
