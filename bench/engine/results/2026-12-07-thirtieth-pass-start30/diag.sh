#!/usr/bin/env bash
# diag.sh: the warm (uncounted) start of each copy, with JFR (compilations >= 0 ms), GC phases and a class histogram at ready.
OUT=/work/start30-work/diag
J="-XX:StartFlightRecording=name=s30,settings=/work/start30-work/diag/comp.jfc"
export HIST=1
for s in base new; do
  D=/work/start30-work/dA; [ $s = new ] && D=/work/start30-work/dB
  GCLOG="-Xlog:gc*,gc+phases=debug,gc+heap=debug:file=$OUT/gcd-$s-1.log:uptime,tags" \
    /work/start30-work/bin/probe3.sh $OUT 1 "$s|/work/start30-work/$s.jar|$D|-XX:MaxTenuringThreshold=1 $J"
done
