#!/usr/bin/env bash
# explore2.sh R: as explore.sh, order reversed and copies swapped: thp (dA), base (dB), xms (dA), fetch (dB)
R=$1; OUT=/work/start31-work/explore; mkdir -p $OUT
M="-XX:MaxTenuringThreshold=1"
S=("thp|/work/start31-work/base.jar|/work/start31-work/dA|$M -XX:+UseTransparentHugePages"
   "base|/work/start31-work/base.jar|/work/start31-work/dB|$M"
   "xms|/work/start31-work/base.jar|/work/start31-work/dA|$M -Xms2g"
   "fetch|/work/start31-work/fetch.jar|/work/start31-work/dB|$M")
for s in "${S[@]}"; do
  name=${s%%|*}
  GCLOG="-Xlog:gc*:file=$OUT/gcd-$name-$R.log:uptime,tags" PGMON=1 R0=$((R - 1)) /work/start31-work/bin/probe.sh $OUT 1 "$s"
done
