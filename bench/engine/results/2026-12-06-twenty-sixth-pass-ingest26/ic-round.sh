#!/usr/bin/env bash
# ingest26: one ingest-cpu.sh round without segments; ORDER as args (e.g. base one wake)
J=/work/ingest26-work
cd $J/benchroot
args=""; for side in "$@"; do args="$args $side=$J/jars/$side.jar"; done
echo "=== ingest-cpu $* $(date -u +%H:%M:%S) load: $(cat /proc/loadavg)" >> $J/logs/ic.log
DURATION=20 WARMUP=10 WORK_DIR=$J/ic bench/engine/ingest-cpu.sh $args >> $J/logs/ic.log 2>&1
echo "=== end $(date -u +%H:%M:%S) load: $(cat /proc/loadavg)" >> $J/logs/ic.log
