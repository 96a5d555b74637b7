#!/usr/bin/env bash
# A broad segment's backfill on two builds, alternating, as a client polling its status sees it.
#
#   bench/engine/backfill-side-by-side.sh BASE_JAR NEW_JAR [CUSTOMERS] [ROUNDS] [POOL_SIZES]
#
# Seeds CUSTOMERS (default 300000) with Seed.java into a fresh data dir (with NEW_JAR; both builds
# must share the schema), or takes SEED_DIR (kept; give STORE_ID and API_KEY of its store), then
# for each pool size in POOL_SIZES (SHOAL_PG_POOL_SIZE, default "2 8") and each of ROUNDS rounds (default 3) starts base
# then new, each on a fresh copy of that data, and runs BackfillProbe.java: create a segment of
# the customers with at least one order (~70 %), poll GET every 10 ms until done. Output: a TSV
# under bench/engine/work/results/backfill-<UTC time>/ with the load seen. The data made here is
# deleted at the end; only the servers started here are stopped; loopback ports only.
set -euo pipefail
BASE_JAR=$1 NEW_JAR=$2 CUSTOMERS=${3:-300000} ROUNDS=${4:-3} POOLS=${5:-"2 8"}
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=$HERE/work/results/backfill-$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$OUT"
RULES='[{"field":"total_orders","operator":"gte","value":1}]'
ADMIN=bench-admin-key-0123456789
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
PID=
cleanup() {
  [ -z "$PID" ] || { kill "$PID" 2>/dev/null; wait "$PID" 2>/dev/null || true; }
  rm -rf "$OUT/data-seed" "$OUT/data-run"
}
trap cleanup EXIT

start() { # jar data_dir log [pool]
  HTTP=$(port); PG=$(port)
  env ${4:+SHOAL_PG_POOL_SIZE=$4} SHOAL_HTTP_HOST=127.0.0.1 SHOAL_HTTP_PORT=$HTTP SHOAL_DATA_DIR=$2 \
    SHOAL_EMBEDDED_PG_PORT=$PG SHOAL_ADMIN_KEY=$ADMIN java ${JAVA_OPTS:-} -jar "$1" >"$3" 2>&1 &
  PID=$!
  until curl -sf -o /dev/null "http://127.0.0.1:$HTTP/health/ready"; do
    kill -0 "$PID" 2>/dev/null || { tail -20 "$3" >&2; echo "did not start: $3" >&2; exit 1; }
    sleep 0.1
  done
}
stop() { kill "$PID"; wait "$PID" 2>/dev/null || true; PID=; sleep 2; }

SEED=$OUT/data-seed
if [ -n "${SEED_DIR:-}" ]; then
  SEED=$SEED_DIR
else
  start "$NEW_JAR" "$SEED" "$OUT/shoal-seed.log"
  res=$(curl -sf -XPOST "http://127.0.0.1:$HTTP/v1/stores" -H "Authorization: Bearer $ADMIN" \
    -H 'Content-Type: application/json' -d '{"name":"bench-backfill"}')
  STORE_ID=$(echo "$res" | sed 's/.*"id":"\(store_[^"]*\)".*/\1/')
  API_KEY=$(echo "$res" | sed 's/.*"api_key":"\([^"]*\)".*/\1/')
  echo "STORE_ID=$STORE_ID API_KEY=$API_KEY" >"$OUT/store.env"
  java -cp "$NEW_JAR" "$HERE/Seed.java" "$PG" "$STORE_ID" "$CUSTOMERS" --seed 42 >"$OUT/seed.log" 2>&1
  stop
fi

printf 'pool\tbuild\tround\tload1_before\tload1_after\tprobe\n' | tee "$OUT/backfill.tsv"
for pool in $POOLS; do
  for r in $(seq 1 "$ROUNDS"); do
    for b in base new; do
      jar=$BASE_JAR; [ $b = new ] && jar=$NEW_JAR
      rm -rf "$OUT/data-run"; cp -a "$SEED" "$OUT/data-run"; rm -f "$OUT/data-run/pg/postmaster.pid"
      start "$jar" "$OUT/data-run" "$OUT/shoal-$b-$pool-$r.log" "$pool"
      sleep 5
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
