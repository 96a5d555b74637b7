#!/bin/bash
# draws.sh JAR LABEL K: K new listings (K trigram samples, as K server starts draw them) on the 1M copy (PostgreSQL by
# hand on 54341), the path of each bench surname each time (BenchDb paths: the jar's own CustomerListing)
W=/work/search34-work; . $W/data/bench-seed/store.env
for k in $(seq $3); do
  java -cp $1 /work/wt/search34/bench/BenchDb.java paths 54341 $STORE_ID $W/data/bench-seed/terms-surname.txt > $W/results/draws-$2-$k.tsv 2>&1
done
