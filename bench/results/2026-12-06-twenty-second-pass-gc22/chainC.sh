#!/bin/bash
# after chainA: a short diagnostic (JFR promotion events), ZGC at 8, G1 with a 10 ms pause goal and
# promotion at the first collection at 8, then base / flag at 64; one bench-lock hold per run;
# no run started after 07:05 UTC
cd /work/gc22-work

hold() { # label jar conns runs scenarios [extra java opts]
  /work/notes/benchlock -x bash -c "
    if [ \$(date -u +%H%M) -ge 0705 ]; then echo 'past 07:05, skipping $1'; exit 0; fi
    EXTRA_JAVA_OPTS='$6' ./run1.sh $1 jars/$2.jar 'SCENARIOS=$5' LIGHT_SCENARIOS= CONNS=$3 LIGHT_CONNS=0 WARMUP=0 RUNS=$4 DURATION=20 QUIET_MAX=10"
}

hold Z1-zgc-8 base 8 8 "ceiling get_uniform" -XX:+UseZGC
hold P1-g1p10-8 base 8 8 "ceiling get_uniform" "-XX:MaxGCPauseMillis=10 -XX:MaxTenuringThreshold=0"
/work/notes/benchlock -x bash -c "
    if [ \$(date -u +%H%M) -ge 0715 ]; then echo 'past 07:15, skipping D1'; exit 0; fi
    EXTRA_JAVA_OPTS='-XX:StartFlightRecording=filename=/work/gc22-work/D1-promo.jfr,settings=/work/gc22-work/promo.jfc' ./run1.sh D1-promo-8 jars/base.jar 'SCENARIOS=get_uniform' LIGHT_SCENARIOS= CONNS=8 LIGHT_CONNS=0 WARMUP=0 RUNS=4 DURATION=20 QUIET_MAX=10"
