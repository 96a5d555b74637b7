#!/usr/bin/env bash
# chain.sh: the pairs, alternating base/new, each run on copyA restored to the lead's set
W=/work/backfill29-work
for r in 1 2 3; do
  for b in base new; do
    $W/bin/one.sh $b-$r $W/$b.jar $W/copyA || echo "$b-$r failed" >> $W/runs.log
  done
done
echo "chain end $(date -u +%T)" >> $W/runs.log
