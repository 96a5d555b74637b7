#!/usr/bin/env bash
# chain.sh: waits for the new jar, then alternating runs on one copy restored before each: new base base new [new base]
W=/work/backfill30-work
until grep -q 'rc=' $W/build-new.log; do sleep 5; done
grep -q 'rc=0' $W/build-new.log || exit 1
[ -e $W/new.jar ] || cp /work/wt/backfill30/target/shoal.jar $W/new.jar
for r in "new-1 new" "base-1 base" "base-2 base" "new-2 new" "new-3 new" "base-3 base"; do
  set -- $r
  [ -e $W/stop ] && break
  $W/bin/one.sh $1 $W/$2.jar $W/copyA || echo "$1 failed $(date -u +%T)" >> $W/runs.log
done
echo "chain end $(date -u +%T)" >> $W/runs.log
