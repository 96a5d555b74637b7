#!/bin/bash
# copy one run's small results into the repo's results dir: collect.sh LABEL...
cd /work/gc21-work
R=/work/wt/gc21/bench/results/2026-12-06-twenty-first-pass-gc21
mkdir -p $R
for label in "$@"; do
  mkdir -p $R/$label
  pid=$(grep -o "stopping Shoal (pid [0-9]*" $label.out | grep -o "[0-9]*$")
  rdir=$(python3 summary.py . $label | grep -o "results [^,]*" | cut -d' ' -f2)
  cp $rdir/raw.tsv $rdir/env.txt $R/$label/
  cp $label.out $R/$label/run.log
  cp $label.uptime $R/$label/uptime.txt
  gzip -c gclogs/$label-$pid.log > $R/$label/gc-shoal.log.gz
  python3 gcsum.py gclogs/$label-$pid.log > $R/$label/gc-summary.txt
  for h in histo-$label*.txt; do [ -f "$h" ] && head -45 "$h" > $R/$label/${h#histo-$label-}; done
done
cp run1.sh chain8.sh chain2.sh chain6.sh summary.py gcsum.py collect.sh $R/ 2>/dev/null
true
