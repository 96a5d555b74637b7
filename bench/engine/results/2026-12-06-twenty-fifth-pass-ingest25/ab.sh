#!/usr/bin/env bash
# ingest25 A/B: one benchlock -x hold per (tool, pair of jars). Usage: ab.sh "base one" ; ab.sh "one base"
set -u
ORDER=$1
cd /work/wt/ingest25
args=""; for j in $ORDER; do args="$args $j=/work/ingest25-work/jars/$j.jar"; done
/work/notes/benchlock -x bash -c "echo \"=== ingest-cpu $ORDER \$(date -u +%H:%M:%S) load: \$(cat /proc/loadavg)\" >> /work/ingest25-work/ab.log;
  DURATION=20 WARMUP=10 WORK_DIR=/work/ingest25-work/ic bench/engine/ingest-cpu.sh $args >> /work/ingest25-work/ab.log 2>&1"
for j in ${2:-$ORDER}; do
  /work/notes/benchlock -x env RUNS=1 /work/ingest25-work/run-single.sh $j /work/ingest25-work/jars/$j.jar 0
done
grep -h '^ingest_single' /work/ingest25-work/runs.log | tail -${3:-2} >> /work/ingest25-work/ab.log
