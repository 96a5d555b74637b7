#!/bin/bash
# base flag flag base at 8 connections; one bench-lock hold per run; no run started after 07:05 UTC
cd /work/gc22-work
hold() { # label jar conns [extra java opts]
  /work/notes/benchlock -x bash -c "
    if [ \$(date -u +%H%M) -ge 0705 ]; then echo 'past 07:05, skipping $1'; exit 0; fi
    EXTRA_JAVA_OPTS='$4' ./run1.sh $1 jars/$2.jar 'SCENARIOS=ceiling get_uniform' LIGHT_SCENARIOS= CONNS=$3 LIGHT_CONNS=0 WARMUP=0 RUNS=8 DURATION=20 QUIET_MAX=10"
}
hold B1-base-8 base 8
hold M1-mtt1-8 base 8 -XX:MaxTenuringThreshold=1
hold M2-mtt1-8 base 8 -XX:MaxTenuringThreshold=1
hold B2-base-8 base 8
