#!/bin/bash
# base new new base at 8 connections; one hold per run
cd /work/gc21-work
C="SCENARIOS=ceiling get_uniform"
for r in "F1-base-8 base" "F2-new-8 new" "F3-new-8 new" "F4-base-8 base"; do
  set -- $r
  flock -x /work/bench.lock ./run1.sh $1 jars/$2.jar "SCENARIOS=ceiling get_uniform" LIGHT_SCENARIOS= CONNS=8 LIGHT_CONNS=0 WARMUP=0 RUNS=6 DURATION=20 QUIET_MAX=10
done
