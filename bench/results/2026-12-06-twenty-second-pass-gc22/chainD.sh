#!/bin/bash
# D1 (JFR profile settings: promotions, thread parks / monitor waits >= 10 ms, CPU samples) then P1 (G1 10 ms goal, promotion at the first collection)
cd /work/gc22-work
/work/notes/benchlock -x bash -c "
    if [ \$(date -u +%H%M) -ge 0715 ]; then echo 'past 07:15, skipping D1'; exit 0; fi
    EXTRA_JAVA_OPTS='-XX:StartFlightRecording=filename=/work/gc22-work/D1-promo.jfr,settings=/work/gc22-work/promo.jfc (a copy of the JDK's profile.jfc)' ./run1.sh D1-promo-8 jars/base.jar 'SCENARIOS=get_uniform' LIGHT_SCENARIOS= CONNS=8 LIGHT_CONNS=0 WARMUP=0 RUNS=4 DURATION=20 QUIET_MAX=10"
/work/notes/benchlock -x bash -c "
    if [ \$(date -u +%H%M) -ge 0710 ]; then echo 'past 07:10, skipping P1'; exit 0; fi
    EXTRA_JAVA_OPTS='-XX:MaxGCPauseMillis=10 -XX:MaxTenuringThreshold=0' ./run1.sh P1-g1p10-8 jars/base.jar 'SCENARIOS=ceiling get_uniform' LIGHT_SCENARIOS= CONNS=8 LIGHT_CONNS=0 WARMUP=0 RUNS=8 DURATION=20 QUIET_MAX=10"
