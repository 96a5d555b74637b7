#!/usr/bin/env bash
# Creating many segments on two builds, alternating, as a client creating them two at a time sees it.
#
#   bench/engine/create-side-by-side.sh BASE_JAR NEW_JAR [CUSTOMERS] [SEGMENTS] [ROUNDS]
#
# Seeds CUSTOMERS (default 30000) with their history (Seed.java --history, as run.sh) into a fresh
# data dir (with NEW_JAR; both builds must share the schema), or takes SEED_DIR (kept; give
# STORE_ID and API_KEY of its store), then for each of ROUNDS rounds (default 2) starts base then
# new, each on a fresh copy of that data, and runs `Segments.java create` with SEGMENTS (default
# 1000) segments: the time until every create was answered, until every segment is synced, and
# the answer times of the creates. Output: a TSV under bench/engine/work/results/create-<UTC time>/
# with the load seen. The data made here is deleted at the end; only the servers started here are
# stopped; loopback ports only.
set -euo pipefail
BASE_JAR=$1 NEW_JAR=$2 CUSTOMERS=${3:-30000} SEGMENTS=${4:-1000} ROUNDS=${5:-2}
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=$HERE/work/results/create-$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$OUT"
. "$HERE/side-by-side-lib.sh"

SEED=$OUT/data-seed
if [ -n "${SEED_DIR:-}" ]; then
  SEED=$SEED_DIR
else
  seed_store "$NEW_JAR" "$CUSTOMERS" --history
fi

printf 'build\tround\tload1_before\tload1_after\tsegments\n' | tee "$OUT/create.tsv"
for r in $(seq 1 "$ROUNDS"); do
  for b in base new; do
    jar=$BASE_JAR; [ $b = new ] && jar=$NEW_JAR
    start_copy "$jar" "$OUT/shoal-$b-$r.log"
    sleep 5
    l0=$(cut -d' ' -f1 /proc/loadavg)
    out=$(java -cp "$jar" "$HERE/Segments.java" create "http://127.0.0.1:$HTTP" "$STORE_ID" "$API_KEY" "$PG" \
      "$SEGMENTS" 42 | tee "$OUT/segments-$b-$r.log" | grep '^SEGMENTS' || echo "SEGMENTS failed")
    printf '%s\t%s\t%s\t%s\t%s\n' "$b" "$r" "$l0" "$(cut -d' ' -f1 /proc/loadavg)" "${out#SEGMENTS }" \
      | tee -a "$OUT/create.tsv"
    stop
  done
done
echo "results: $OUT/create.tsv"
