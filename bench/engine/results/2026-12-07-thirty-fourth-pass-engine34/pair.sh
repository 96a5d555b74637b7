#!/usr/bin/env bash
# engine34: one side-by-side round (one bench-lock hold): single-event ingest at 30k x 1,000 for each side in ORDER
# (one.sh: each run on a fresh copy of the same V79 seed, made beforehand by prep.sh), then ingest-cpu.sh without
# segments in the same order (STATS=1: pg_stat_statements over the measured seconds)
set -u
cd /work/engine34-work
ORDER="$ORDER" ./one.sh
args=""; for s in $ORDER; do args="$args $s=/work/engine34-work/$s.jar"; done
cd /work/wt/engine34-base
STATS=1 WORK_DIR=/work/engine34-work/icpu bench/engine/ingest-cpu.sh $args
cd /work/engine34-work/icpu && t=$(date -u +%H%M%S) && for f in pg-top-*-[0-9].txt; do mv $f ${f%.txt}-$t.txt; done
