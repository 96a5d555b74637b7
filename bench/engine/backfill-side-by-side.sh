#!/usr/bin/env bash
# A broad segment's backfill on two builds, alternating, as a client polling its status sees it.
#
#   bench/engine/backfill-side-by-side.sh BASE_JAR NEW_JAR [CUSTOMERS] [ROUNDS] [POOL_SIZES]
#
# Seeds CUSTOMERS (default 300000) with Seed.java into a fresh data dir (with NEW_JAR; both builds
# must share the schema), or takes SEED_DIR (kept; give STORE_ID and API_KEY of its store), then
# for each pool size in POOL_SIZES (SHOAL_PG_POOL_SIZE, default "2 8") and each of ROUNDS rounds (default 3) starts base
# then new, each on a fresh copy of that data, and runs BackfillProbe.java: create a segment of
# the customers with at least one order (~70 %), poll GET every 10 ms until done, once the start's
# overdue time checks ran. Output: a TSV under bench/engine/work/results/backfill-<UTC time>/
# (RESULTS to choose) with the load seen. The data made here is
# deleted at the end; only the servers started here are stopped; loopback ports only.
set -euo pipefail
BASE_JAR=$1 NEW_JAR=$2 CUSTOMERS=${3:-300000} ROUNDS=${4:-3} POOLS=${5:-"2 8"}
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${RESULTS:-$HERE/work/results/backfill-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$OUT"
RULES='[{"field":"total_orders","operator":"gte","value":1}]'
. "$HERE/side-by-side-lib.sh"

SEED=$OUT/data-seed
if [ -n "${SEED_DIR:-}" ]; then
  SEED=$SEED_DIR
else
  seed_store "$NEW_JAR" "$CUSTOMERS"
fi

printf 'pool\tbuild\tround\tload1_before\tload1_after\tprobe\n' | tee "$OUT/backfill.tsv"
for pool in $POOLS; do
  for r in $(seq 1 "$ROUNDS"); do
    for b in base new; do
      jar=$BASE_JAR; [ $b = new ] && jar=$NEW_JAR
      start_copy "$jar" "$OUT/shoal-$b-$pool-$r.log" "$pool"
      # the start's overdue time checks are bulk work too: wait until every partition ran them (60 s at most)
      log=$OUT/shoal-$b-$pool-$r.log
      for _ in $(seq 120); do
        [ "$(grep -c 'time checks due while it was down ran' "$log")" -ge "$(grep -c 'Evaluator partition .* ready:' "$log")" ] && break
        sleep 0.5
      done
      sleep 3
      l0=$(cut -d' ' -f1 /proc/loadavg)
      probe=$(java -cp "$jar" "$HERE/BackfillProbe.java" backfill "http://127.0.0.1:$HTTP" "$STORE_ID" "$API_KEY" "$RULES" \
        | grep '^PROBE' || echo "PROBE failed")
      printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$pool" "$b" "$r" "$l0" "$(cut -d' ' -f1 /proc/loadavg)" "${probe#PROBE }" \
        | tee -a "$OUT/backfill.tsv"
      stop
    done
  done
done
echo "results: $OUT/backfill.tsv"
