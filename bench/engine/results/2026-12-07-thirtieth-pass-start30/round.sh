#!/usr/bin/env bash
# round.sh R: one round (inside benchlock -x): base on dA, new on dB, order alternating (R odd: base first).
# From round 2 on: GC phases logged too (gc+phases=debug to gcd-NAME-R.log), both sides; and, when new4.jar exists,
# new4 (new + pages of 1,000 rows) on dB as well, next to new: R odd base new new4, R even new4 new base.
R=$1; OUT=/work/start30-work/ab
b="base|/work/start30-work/base.jar|/work/start30-work/dA|-XX:MaxTenuringThreshold=1"
n="new|/work/start30-work/new.jar|/work/start30-work/dB|-XX:MaxTenuringThreshold=1"
n4="new4|/work/start30-work/new4.jar|/work/start30-work/dB|-XX:MaxTenuringThreshold=1"
sleep 3  # a jar being copied in place (build4) is whole after this
if [ -f /work/start30-work/new4.jar ] && grep -q rc=0 /work/start30-work/build4.log; then
  if [ $((R % 2)) = 1 ]; then S=("$b" "$n" "$n4"); else S=("$n4" "$n" "$b"); fi
else
  if [ $((R % 2)) = 1 ]; then S=("$b" "$n"); else S=("$n" "$b"); fi
fi
for s in "${S[@]}"; do
  name=${s%%|*}
  GCLOG="-Xlog:gc*,gc+phases=debug:file=$OUT/gcd-$name-$R.log:uptime,tags" HIST=${HIST:-0} R0=$((R - 1)) \
    /work/start30-work/bin/probe3.sh $OUT 1 "$s"
done
