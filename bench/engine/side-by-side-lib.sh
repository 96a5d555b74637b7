# Shared by the side-by-side scripts of bench/engine (sourced, not run): ports, starting and
# stopping one Shoal on a data dir, and seeding a store once. Expects OUT (results dir) and HERE
# (bench/engine) to be set; sets HTTP, PG and PID.
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
  until curl -sf -m 5 -o /dev/null "http://127.0.0.1:$HTTP/health/ready"; do
    kill -0 "$PID" 2>/dev/null || { tail -20 "$3" >&2; echo "did not start: $3" >&2; exit 1; }
    sleep 0.1
  done
}
stop() { kill "$PID"; wait "$PID" 2>/dev/null || true; PID=; sleep 2; }

# seed_store JAR CUSTOMERS [Seed.java options...]: a fresh data dir $OUT/data-seed with one store
# of CUSTOMERS seeded customers; sets STORE_ID and API_KEY (also written to $OUT/store.env).
seed_store() {
  local jar=$1 customers=$2 res
  shift 2
  start "$jar" "$OUT/data-seed" "$OUT/shoal-seed.log"
  res=$(curl -sf -XPOST "http://127.0.0.1:$HTTP/v1/stores" -H "Authorization: Bearer $ADMIN" \
    -H 'Content-Type: application/json' -d '{"name":"bench-side-by-side"}')
  STORE_ID=$(echo "$res" | sed 's/.*"id":"\(store_[^"]*\)".*/\1/')
  API_KEY=$(echo "$res" | sed 's/.*"api_key":"\([^"]*\)".*/\1/')
  echo "STORE_ID=$STORE_ID API_KEY=$API_KEY" >"$OUT/store.env"
  java -cp "$jar" "$HERE/Seed.java" "$PG" "$STORE_ID" "$customers" --seed 42 "$@" >"$OUT/seed.log" 2>&1
  stop
}

# start_copy JAR LOG [pool]: starts JAR on a fresh copy of the seeded data ($SEED)
start_copy() {
  rm -rf "$OUT/data-run"; cp -a "$SEED" "$OUT/data-run"; rm -f "$OUT/data-run/pg/postmaster.pid"
  start "$1" "$OUT/data-run" "$2" "${3:-}"
}
