#!/usr/bin/env bash
# aggr35: one side-by-side round (one bench-lock hold): single-event ingest at 30k x 1,000 for each side in ORDER
# (one.sh), then ingest-cpu.sh without segments (1,000 customers, each jar seeding its own set) in the same order
# (STATS=1: pg_stat_statements over the measured seconds)
set -u
cd /work/aggr35-work
ORDER="$ORDER" ./one.sh
args=""; for s in $ORDER; do args="$args $s=/work/aggr35-work/$s.jar"; done
cd /work/wt/aggr35-base
STATS=1 WORK_DIR=/work/aggr35-work/icpu bench/engine/ingest-cpu.sh $args
cd /work/aggr35-work/icpu && t=$(date -u +%H%M%S) && for f in pg-top-*-[0-9].txt; do mv $f ${f%.txt}-$t.txt; done
