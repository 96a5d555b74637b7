#!/usr/bin/env bash
# engine34 task 1: main alone: one single-event ingest run at 30k x 1,000 (one.sh, run.sh with steady31's patch),
# then ingest-cpu.sh without segments with STATS=1 (pg_stat_statements over the measured seconds)
cd /work/engine34-work
ORDER=base ./one.sh
cd /work/wt/engine34-base
STATS=1 WORK_DIR=/work/engine34-work/icpu bench/engine/ingest-cpu.sh base=/work/engine34-work/base.jar
