#!/usr/bin/env bash
# round.sh R: one round (inside benchlock -x): base (main, dA), thp (main + THP, dB), thpfetch (pages of 1,000 + THP, dB),
# order alternating (R odd: base first), then a single-event ingest pair at 30k x 1,000 (ingest.sh), order alternating.
R=$1; OUT=/work/start31-work/ab; mkdir -p $OUT
M="-XX:MaxTenuringThreshold=1"; T="-XX:+UseTransparentHugePages"
b="base|/work/start31-work/base.jar|/work/start31-work/dA|$M"
t="thp|/work/start31-work/base.jar|/work/start31-work/dB|$M $T"
f="thpfetch|/work/start31-work/fetch.jar|/work/start31-work/dB|$M $T"
if [ $((R % 2)) = 1 ]; then S=("$b" "$t" "$f"); I=(base thp); else S=("$f" "$t" "$b"); I=(thp base); fi
for s in "${S[@]}"; do
  name=${s%%|*}
  GCLOG="-Xlog:gc*:file=$OUT/gcd-$name-$R.log:uptime,tags" R0=$((R - 1)) /work/start31-work/bin/probe.sh $OUT 1 "$s"
done
[ "${INGEST:-1}" = 1 ] && for side in "${I[@]}"; do /work/start31-work/ingest.sh $side; done
