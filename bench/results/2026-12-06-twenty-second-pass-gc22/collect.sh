#!/bin/bash
# copy one run's small results into the repo's results dir: collect.sh LABEL...
cd /work/gc22-work
R=/work/wt/gc22/bench/results/2026-12-06-twenty-second-pass-gc22
mkdir -p $R
for label in "$@"; do
  mkdir -p $R/$label
  pid=$(grep -o "stopping Shoal (pid [0-9]*" $label.out | grep -o "[0-9]*$")
  rdir=$(python3 summary.py . $label | grep -o "results [^,]*" | cut -d' ' -f2)
  cp $rdir/raw.tsv $rdir/env.txt $R/$label/
  cp $label.out $R/$label/run.txt
  cp $label.uptime $R/$label/uptime.txt
  gzip -c gclogs/$label-$pid.log > $R/$label/gc-shoal.log.gz
  python3 /work/gc21-work/gcsum.py gclogs/$label-$pid.log > $R/$label/gc-summary.txt
done
cp run1.sh chainA.sh chainC.sh chainD.sh summary.py sidebyside.py collect.sh promo.py $R/ 2>/dev/null
true
