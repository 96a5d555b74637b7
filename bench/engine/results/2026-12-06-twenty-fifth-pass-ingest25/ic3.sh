#!/usr/bin/env bash
cd /work/wt/ingest25
echo "=== ingest-cpu one base two $(date -u +%H:%M:%S) load: $(cat /proc/loadavg)" >> /work/ingest25-work/ab.log
DURATION=20 WARMUP=10 WORK_DIR=/work/ingest25-work/ic bench/engine/ingest-cpu.sh one=/work/ingest25-work/jars/one.jar base=/work/ingest25-work/jars/base.jar two=/work/ingest25-work/jars/two.jar >> /work/ingest25-work/ab.log 2>&1
