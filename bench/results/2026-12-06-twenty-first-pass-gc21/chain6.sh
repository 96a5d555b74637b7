#!/bin/bash
cd /work/gc21-work
hold() { # label jar conns [extra java opts]
  flock -x /work/bench.lock bash -c "
    if [ \$(date -u +%H%M) -ge 0442 ]; then echo 'past 04:42, skipping $1'; exit 0; fi
    EXTRA_JAVA_OPTS='$4' ./run1.sh $1 jars/$2.jar 'SCENARIOS=ceiling get_uniform' LIGHT_SCENARIOS= CONNS=$3 LIGHT_CONNS=0 WARMUP=0 RUNS=8 DURATION=20 QUIET_MAX=10"
}
hold T1-new-mtt1-8 new 8 -XX:MaxTenuringThreshold=1
hold T2-base-mtt1-8 base 8 -XX:MaxTenuringThreshold=1
hold G1-new-64 new 64
