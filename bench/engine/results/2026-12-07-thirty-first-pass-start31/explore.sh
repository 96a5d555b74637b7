#!/usr/bin/env bash
# explore.sh R: one start of each variant (inside benchlock -x): base, fetch (pages of 1,000), thp (base + THP), xms (base + -Xms2g)
R=$1; OUT=/work/start31-work/explore; mkdir -p $OUT
M="-XX:MaxTenuringThreshold=1"
S=("base|/work/start31-work/base.jar|/work/start31-work/dA|$M"
   "fetch|/work/start31-work/fetch.jar|/work/start31-work/dB|$M"
   "thp|/work/start31-work/base.jar|/work/start31-work/dA|$M -XX:+UseTransparentHugePages"
   "xms|/work/start31-work/base.jar|/work/start31-work/dB|$M -Xms2g")
for s in "${S[@]}"; do
  name=${s%%|*}
  GCLOG="-Xlog:gc*:file=$OUT/gcd-$name-$R.log:uptime,tags" PGMON=1 R0=$((R - 1)) /work/start31-work/bin/probe.sh $OUT 1 "$s"
done
