#!/bin/bash
# round.sh N FIRST(base|new) [SCENARIOS]: one side-by-side round of bench/run.sh's search scenarios at 1M, main's jar
# (7de52c7) on both sides: base = the fresh COPY seed as main's seed writes it (lead32's set, customer_search in the
# COPY's order), new = the same files with customer_search rewritten in its key's order (CLUSTER, as the new seed does).
# Run inside one bench-lock hold; the sides one after the other, FIRST first.
set -u
N=$1; FIRST=$2; SC=${3:-search_surname}
W=/work/search33-work; WT=/work/wt/search33
order="base new"; [ "$FIRST" = new ] && order="new base"
echo "round $N start $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
for side in $order; do
  dir=$W/base-fresh; [ $side = new ] && dir=$W/new-ordered
  echo "== $side $(date -u +%T)"
  SHOAL_JAR=$W/jars/base-7de52c7.jar WORK_DIR=$dir RUNS=2 DURATION=20 WARMUP=10 PROBES=0 QUIET_MAX=30 \
    HTTP_PORT=18333 CEILING_PORT=18393 PG_PORT=54333 SCENARIOS="$SC" LIGHT_SCENARIOS="$SC" \
    $WT/bench/run.sh --keep-data --skip-build > $W/round$N-$side.log 2>&1
  echo "rc=$? $(ls -d $dir/results/* | tail -1)"
  grep -E "run [12]:" $W/round$N-$side.log
done
echo "round $N end $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
