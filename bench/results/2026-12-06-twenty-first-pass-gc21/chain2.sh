#!/bin/bash
# one bench-lock hold per run; starts no run after 04:38 UTC (a run holds ~7 min; landing by 05:05)
cd /work/gc21-work
for r in "F2-new-8 new 8" "G1-new-64 new 64" "G2-base-64 base 64" "F3-new-8 new 8" "F4-base-8 base 8"; do
  set -- $r
  flock -x /work/bench.lock bash -c "
    if [ \$(date -u +%H%M) -ge 0438 ]; then echo 'past 04:38, skipping $1'; exit 0; fi
    ./run1.sh $1 jars/$2.jar 'SCENARIOS=ceiling get_uniform' LIGHT_SCENARIOS= CONNS=$3 LIGHT_CONNS=0 WARMUP=0 RUNS=8 DURATION=20 QUIET_MAX=10"
done
