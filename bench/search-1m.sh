#!/usr/bin/env bash
# Search and list filters at 1,000,000 customers, two builds side by side, in one command
# (issue 17, session 10):
#
#   bench/search-1m.sh BASE_JAR NEW_JAR [ROUNDS] [DURATION]
#
# 1. seeds CUSTOMERS (1,000,000) customers once with bench/run.sh (BASE_JAR's schema; no load runs),
# 2. copies the data dir, starts BASE_JAR on one copy and NEW_JAR on the other (NEW_JAR's own
#    migrations run then: their time is in the log and in RESULTS/upgrade.txt),
# 3. runs bench/search-side-by-side.sh (alternating sides, order flipped per round, uptime per run),
# 4. prints the medians per side, class and connections (new/base ratios), stops both servers and
#    deletes the data.
# 5. sizes.tsv: the tables and indexes of both sides; with CREATE_ROUNDS > 0, create-cpu.tsv: the CPU
#    per create of both sides (bench/create-cpu.py; CREATE_DURATION 10 s, CREATE_CONNS 8, CREATE_MODE
#    create or create_short); with
#    CPU_ROUNDS > 0, cpu-per-request.txt: the CPU per search of both sides, each term once.
# Environment: CLASSES (default the four search classes and the four list filters), CONNS ("8 64"),
#   WORK_DIR (bench/work-search1m), CUSTOMERS, SEED, ports BASE_PORT/NEW_PORT (18340/18350) with
#   PostgreSQL on port+2. Results: WORK_DIR/results/<UTC time>/raw.tsv and summary.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
BASE_JAR=$(realpath "$1")
NEW_JAR=$(realpath "$2")
ROUNDS=${3:-3}
DUR=${4:-10}
export CLASSES=${CLASSES:-"search:email search:surname search:phone search:common list:tags list:segment list:metadata list:created"}
export CONNS=${CONNS:-"8 64"}
WORK_DIR=$(realpath -m "${WORK_DIR:-$ROOT/bench/work-search1m}")
BASE_PORT=${BASE_PORT:-18340}
NEW_PORT=${NEW_PORT:-18350}
RESULTS=$WORK_DIR/results/$(date -u +%Y%m%d-%H%M%S)
mkdir -p "$RESULTS"
log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }

declare -A PID
# shellcheck source=lib/server.sh
source "$ROOT/bench/lib/server.sh" # stop_pid (the traps below replace its own)
cleanup() {
  for side in base new; do stop_pid "${PID[$side]:-}"; done
  rm -rf "$WORK_DIR/data" "$WORK_DIR/data-base" "$WORK_DIR/data-new"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log "seeding with $BASE_JAR"
SHOAL_JAR=$BASE_JAR WORK_DIR=$WORK_DIR SCENARIOS= LIGHT_SCENARIOS= LIGHT_CONNS=0 QUIET_MAX=5 \
  HTTP_PORT=$BASE_PORT CEILING_PORT=$((BASE_PORT + 1)) PG_PORT=$((BASE_PORT + 2)) \
  bench/run.sh --keep-data --skip-build >"$RESULTS/seed.log" 2>&1
cp -a "$WORK_DIR/data" "$WORK_DIR/data-base"
mv "$WORK_DIR/data" "$WORK_DIR/data-new"

start() { # side jar port
  cp "$2" "$WORK_DIR/$1.jar"
  SHOAL_HTTP_HOST=127.0.0.1 SHOAL_HTTP_PORT=$3 SHOAL_DATA_DIR=$WORK_DIR/data-$1 \
    SHOAL_EMBEDDED_PG_PORT=$(($3 + 2)) SHOAL_PG_URL= SHOAL_ADMIN_KEY= \
    java ${JAVA_OPTS:-} -jar "$WORK_DIR/$1.jar" >"$RESULTS/$1.log" 2>&1 &
  PID[$1]=$!
}
ready() { # port: Shoal's start at 1M takes minutes (evaluators)
  for _ in $(seq 1800); do curl -sf -m 10 -o /dev/null "http://127.0.0.1:$1/health/ready" && return 0; sleep 0.5; done
  return 1
}
T0=$(date +%s)
start new "$NEW_JAR" "$NEW_PORT"
ready "$NEW_PORT" || { tail -30 "$RESULTS/new.log" >&2; exit 1; }
echo "new build ready after $(( $(date +%s) - T0 )) s (migrations: see new.log)" | tee "$RESULTS/upgrade.txt" >&2
grep -i "migrat\|schema" "$RESULTS/new.log" | grep -v "^\s*at \|Thread blocked" >>"$RESULTS/upgrade.txt" || true
start base "$BASE_JAR" "$BASE_PORT"
ready "$BASE_PORT" || { tail -30 "$RESULTS/base.log" >&2; exit 1; }
uptime | tee "$RESULTS/uptime-start.txt" >&2

bench/search-side-by-side.sh "$BASE_PORT" "$NEW_PORT" "$WORK_DIR/data-base/bench-seed" "$RESULTS/raw.tsv" "$ROUNDS" "$DUR"
uptime | tee "$RESULTS/uptime-end.txt" >&2
python3 bench/search-1m-summary.py "$RESULTS/raw.tsv" | tee "$RESULTS/summary.txt"
# The size of every table and index of both sides (what the new build's migrations added).
for side in base new; do
  port=$BASE_PORT; [ "$side" = new ] && port=$NEW_PORT
  PGPASSWORD=postgres psql -w -h 127.0.0.1 -p $((port + 2)) -U postgres -d postgres -At -F $'\t' -c \
    "SELECT '$side', c.relname, c.relkind, c.reltuples::bigint, pg_relation_size(c.oid) FROM pg_class c
     JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'i')
     AND pg_relation_size(c.oid) > 1000000 ORDER BY 1, 2" >>"$RESULTS/sizes.tsv" 2>&1 || true
done
# CPU_ROUNDS > 0: CPU per search request of both sides, each term once (bench/cpu-per-request.py), alternating.
for r in $(seq "${CPU_ROUNDS:-0}"); do
  for side in $([ $((r % 2)) = 1 ] && echo base new || echo new base); do
    port=$BASE_PORT; [ "$side" = new ] && port=$NEW_PORT
    echo "round $r $side $(uptime)" >>"$RESULTS/cpu-per-request.txt"
    python3 bench/cpu-per-request.py "$port" $((port + 2)) "$WORK_DIR/data-base/bench-seed" \
      search:email search:surname search:phone search:common >>"$RESULTS/cpu-per-request.txt" 2>&1
  done
done
# CREATE_ROUNDS > 0: CPU per create of both sides (bench/create-cpu.py), after the reads.
if [ "${CREATE_ROUNDS:-0}" -gt 0 ]; then
  python3 bench/create-cpu.py "$WORK_DIR/data-base/bench-seed" "${CREATE_DURATION:-10}" "${CREATE_CONNS:-8}" \
    "$CREATE_ROUNDS" "base:$BASE_PORT:$((BASE_PORT + 2))" "new:$NEW_PORT:$((NEW_PORT + 2))" \
    "${CREATE_MODE:-create}" | tee "$RESULTS/create-cpu.tsv"
fi
