#!/usr/bin/env bash
# warm.sh: the uncounted first start of each copy (applies V76): dA with the diag jar (phase logs) + JFR (profile) + GC phases + pgmon;
# dB with the base jar, pgmon only.
OUT=/work/start31-work/warm; mkdir -p $OUT
echo "load before $(cat /proc/loadavg)"
J="-XX:StartFlightRecording=name=s31,settings=profile"
PGMON=1 AFTER=8 GCLOG="-Xlog:gc*,gc+phases=debug:file=$OUT/gcd-diag-1.log:uptime,tags" \
  /work/start31-work/bin/probe.sh $OUT 1 "diag|/work/start31-work/diag.jar|/work/start31-work/dA|-XX:MaxTenuringThreshold=1 $J"
PGMON=1 AFTER=8 /work/start31-work/bin/probe.sh $OUT 1 "base|/work/start31-work/base.jar|/work/start31-work/dB|-XX:MaxTenuringThreshold=1"
