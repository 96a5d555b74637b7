#!/usr/bin/env bash
# Shoal benchmark: customer create, get-by-id and search with 1,000,000 customers in one store,
# next to a bare Vert.x route that answers a constant (the ceiling). See bench/README.md.
#
#   bench/run.sh [--keep-data] [--skip-build] [--help]
#
#   --keep-data   keep the seeded data dir at the end (rows added by the create benchmark are
#                 deleted again), and reuse it on the next --keep-data run instead of re-seeding
#   --skip-build  use the existing target/shoal.jar
#
# Parameters (environment, with defaults):
#   CONNS=64 THREADS=2 DURATION=20 WARMUP=10 RUNS=3     wrk connections/threads, seconds per run
#   LIGHT_CONNS=8                                        second, lightly loaded pass (0 = skip it)
#   CUSTOMERS=1000000 SEED=42                           size and random seed of the data set
#   SCENARIOS="ceiling get get_uniform search_email search_surname search_phone search_common
#              list_tags list_created list_segment list_metadata create"
#                                get: ids drawn from ids.txt (a sample of 20,000, which the profile
#                                cache holds whole); get_uniform: ids drawn from every customer
#                                (ids-all.txt, written from the database on first use)
#   LIGHT_SCENARIOS=the same without create
#   HTTP_PORT=18080 CEILING_PORT=18090 PG_PORT=54329   loopback ports used
#   WORK_DIR=bench/work                                 data dir, logs and results
#   PROBES=1                     0: skip the EXPLAIN of one term a class and the one-at-a-time timing of
#                                every term and query before the load (for A/B runs of a few scenarios)
#   JFR=0                        1: after each Shoal scenario, one more (unrecorded) run with a
#                                Java Flight Recorder CPU profile of the server -> RESULTS/LABEL-jfr.txt
#   QUIET_PCT=25 QUIET_MAX=180   before each run, wait (at most QUIET_MAX s) until processes other
#                                than ours use less than QUIET_PCT % of one core (shared machines)
#   SHOAL_HTTP_INSTANCES, SHOAL_PG_POOL_SIZE, JAVA_OPTS  passed to the server as usual
#   SERVER_JAVA_OPTS="-XX:MaxTenuringThreshold=1 -XX:+UseTransparentHugePages"   JVM options of the Shoal server only (after
#                                JAVA_OPTS, which the ceiling server gets as well); the default is what
#                                the README's run lines and docker/Dockerfile give it (README, "JVM
#                                settings"); SERVER_JAVA_OPTS= runs it without. The server also gets
#                                -Xlog:gc to RESULTS/gc.log: the GC pauses inside each run go in raw.tsv
#
# Every load run lasts a fixed time and targets 127.0.0.1 only. Servers started here are
# stopped on exit (also on Ctrl-C or failure).
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)

KEEP_DATA=0
SKIP_BUILD=0
for arg in "$@"; do
  case "$arg" in
    --keep-data) KEEP_DATA=1 ;;
    --skip-build) SKIP_BUILD=1 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | grep '^#'; exit 0 ;;
    *) echo "unknown argument: $arg (try --help)" >&2; exit 2 ;;
  esac
done

CONNS=${CONNS:-64}
THREADS=${THREADS:-2}
DURATION=${DURATION:-20}
WARMUP=${WARMUP:-10}
RUNS=${RUNS:-3}
LIGHT_CONNS=${LIGHT_CONNS:-8}
CUSTOMERS=${CUSTOMERS:-1000000}
SEED=${SEED:-42}
SCENARIOS=${SCENARIOS-"ceiling get get_uniform search_email search_surname search_phone search_common list_tags list_created list_segment list_metadata create"}
LIGHT_SCENARIOS=${LIGHT_SCENARIOS-"ceiling get get_uniform search_email search_surname search_phone search_common list_tags list_created list_segment list_metadata"}
HTTP_PORT=${HTTP_PORT:-18080}
CEILING_PORT=${CEILING_PORT:-18090}
PG_PORT=${PG_PORT:-54329}
WORK_DIR=${WORK_DIR:-bench/work}
INSTANCES=${SHOAL_HTTP_INSTANCES:-$(nproc)}
SERVER_JAVA_OPTS=${SERVER_JAVA_OPTS--XX:MaxTenuringThreshold=1 -XX:+UseTransparentHugePages}   # unset: as the README starts Shoal
QUIET_PCT=${QUIET_PCT:-25}
JFR=${JFR:-0}
PROBES=${PROBES:-1}
QUIET_MAX=${QUIET_MAX:-180}

mkdir -p "$WORK_DIR"
WORK_DIR=$(cd "$WORK_DIR" && pwd)
DATA_DIR=$WORK_DIR/data
SEED_DIR=$DATA_DIR/bench-seed          # ids, search terms and store credentials live with the data
LOG_DIR=$WORK_DIR/logs
RESULTS_DIR=$WORK_DIR/results/$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$LOG_DIR" "$RESULTS_DIR"
RAW=$RESULTS_DIR/raw.tsv
JAR=${SHOAL_JAR:-$ROOT/target/shoal.jar}   # SHOAL_JAR: run (and seed with) another build
# The server runs from a copy of the jar, under a name that a broad `pkill -f shoal` run by
# something else on a shared machine does not match (that happened while this was written).
RUN_JAR=$WORK_DIR/server-under-test.jar
CLK_TCK=$(getconf CLK_TCK)
# The server's stop-the-world GC pauses (one line each, stamped with the epoch ms it ended), for the pauses inside each run.
GC_LOG=$RESULTS_DIR/gc.log

# One run per work dir at a time: a second one would stop the first one's servers and data.
exec 9>"$WORK_DIR/.lock"
if ! flock -n 9; then
  echo "another bench/run.sh is using $WORK_DIR; wait for it or set WORK_DIR" >&2
  exit 1
fi

SHOAL_PID=
CEILING_PID=

log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

# --- processes -------------------------------------------------------------------------------

postmaster_pid() {
  [ -f "$DATA_DIR/pg/postmaster.pid" ] && head -1 "$DATA_DIR/pg/postmaster.pid" || true
}

stop_pid() { # pid, name: SIGTERM, wait up to 60 s, then SIGKILL
  local pid=$1 name=$2
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  log "stopping $name (pid $pid)"
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 600); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  log "$name did not stop in 60 s; killing it"
  kill -9 "$pid" 2>/dev/null || true
}

stop_ceiling() { stop_pid "$CEILING_PID" "ceiling server"; CEILING_PID=; }

stop_shoal() {
  stop_pid "$SHOAL_PID" "Shoal"
  SHOAL_PID=
  # Shoal stops its embedded PostgreSQL on SIGTERM; if it could not, stop that postmaster too.
  local pm
  pm=$(postmaster_pid)
  if [ -n "$pm" ] && kill -0 "$pm" 2>/dev/null && grep -q postgres "/proc/$pm/comm" 2>/dev/null; then
    stop_pid "$pm" "embedded PostgreSQL"
  fi
}

cleanup() {
  local rc=$?
  stop_ceiling
  if [ -n "$SHOAL_PID" ] && [ "$KEEP_DATA" = 1 ] && [ -f "$SEED_DIR/store.env" ]; then
    # shellcheck disable=SC1091
    . "$SEED_DIR/store.env"
    java -cp "$JAR" "$ROOT/bench/BenchDb.java" reset "$PG_PORT" "$STORE_ID" >&2 || true
  fi
  stop_shoal
  rm -f "$RUN_JAR"
  if [ "$KEEP_DATA" = 0 ]; then
    log "removing the data dir $DATA_DIR (use --keep-data to keep it)"
    rm -rf "$DATA_DIR"
  fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

wait_http() { # url, seconds
  for _ in $(seq $(( $2 * 5 ))); do
    # -m: a request accepted while the server is still starting must not hang the run (it did once)
    curl -sf -m 10 -o /dev/null "$1" && return 0
    sleep 0.2
  done
  return 1
}

start_shoal() {
  cp "$JAR" "$RUN_JAR"
  log "starting Shoal on 127.0.0.1:$HTTP_PORT (embedded PostgreSQL on port $PG_PORT, data in $DATA_DIR)"
  # shellcheck disable=SC2086
  SHOAL_HTTP_HOST=127.0.0.1 SHOAL_HTTP_PORT=$HTTP_PORT SHOAL_DATA_DIR=$DATA_DIR \
    SHOAL_EMBEDDED_PG_PORT=$PG_PORT SHOAL_PG_URL= SHOAL_ADMIN_KEY= \
    java ${JAVA_OPTS:-} $SERVER_JAVA_OPTS -Xlog:gc:file="$GC_LOG":timemillis -jar "$RUN_JAR" >"$LOG_DIR/shoal.log" 2>&1 &
  SHOAL_PID=$!
  if ! wait_http "http://127.0.0.1:$HTTP_PORT/health/ready" 300; then
    tail -30 "$LOG_DIR/shoal.log" >&2
    echo "Shoal did not become ready" >&2
    exit 1
  fi
}

start_ceiling() {
  log "starting the ceiling server on 127.0.0.1:$CEILING_PORT with $INSTANCES instance(s)"
  # shellcheck disable=SC2086
  java ${JAVA_OPTS:-} -cp "$JAR" "$ROOT/bench/CeilingServer.java" "$CEILING_PORT" "$INSTANCES" \
    >"$LOG_DIR/ceiling.log" 2>&1 &
  CEILING_PID=$!
  wait_http "http://127.0.0.1:$CEILING_PORT/ceiling" 120 || { cat "$LOG_DIR/ceiling.log" >&2; exit 1; }
}

# --- CPU and server metrics around each run ----------------------------------------------------

ticks() { # total utime+stime (clock ticks) of the given pids that still exist
  local t=0 p v
  for p in "$@"; do
    [ -n "$p" ] || continue
    v=$(awk '{print $14+$15}' "/proc/$p/stat" 2>/dev/null || echo 0)
    t=$((t + v))
  done
  echo $t
}
pg_pids() { local pm; pm=$(postmaster_pid); [ -n "$pm" ] && echo "$pm" $(pgrep -P "$pm" || true); }
busy_ticks() { awk '/^cpu /{print $2+$3+$4+$7+$8+$9}' /proc/stat; }

# Sum and count of the worker pool (where vertx-openapi runs request validation) and of the
# PostgreSQL pool: queue time (waiting for a worker / a connection) and usage time.
scrape() {
  { curl -s "http://127.0.0.1:$HTTP_PORT/metrics" 2>/dev/null \
    | awk '/^vertx_pool_(queue_time|usage)_seconds_(sum|count)\{pool_name="(shoal-pg|vert\.x-worker-thread)"/ {
             split($1, a, "{"); n = a[1]; sub(/^vertx_pool_/, "", n);
             p = ($1 ~ /shoal-pg/) ? "pg" : "worker"; print p "_" n, $2 }'; } || true
}

# CPU used by everything but the servers under test, over 2 s, in % of one core.
other_cpu_pct() {
  local b0 o0 b1 o1
  b0=$(busy_ticks); o0=$(ticks "$SHOAL_PID" "$CEILING_PID" $(pg_pids))
  sleep 2
  b1=$(busy_ticks); o1=$(ticks "$SHOAL_PID" "$CEILING_PID" $(pg_pids))
  echo $(( ((b1 - b0) - (o1 - o0)) * 100 / (2 * CLK_TCK) ))
}

wait_quiet() {
  local waited=0 pct
  while :; do
    pct=$(other_cpu_pct)
    [ "$pct" -lt "$QUIET_PCT" ] && return 0
    if [ $waited -ge "$QUIET_MAX" ]; then
      log "  other processes still use ${pct}% CPU after ${waited}s; measuring anyway (see cpu_other)"
      return 0
    fi
    [ $waited = 0 ] && log "  other processes use ${pct}% CPU; waiting for a quieter machine (up to ${QUIET_MAX}s)"
    sleep 3
    waited=$((waited + 5))
  done
}

check_alive() {
  if [ -n "$SHOAL_PID" ] && ! kill -0 "$SHOAL_PID" 2>/dev/null; then
    echo "Shoal (pid $SHOAL_PID) is gone; see $LOG_DIR/shoal.log (stopped by something else?)" >&2
    SHOAL_PID=
    exit 1
  fi
}
metric_delta_per() { # before-file after-file prefix kind requests: uses per request (pg: connections taken)
  awk -v k="$3_$4_seconds_count" -v n="$5" 'FNR==NR {b[$1]=$2; next} {a[$1]=$2}
       END { if (n > 0 && (k in a)) printf "%.3f", (a[k] - b[k]) / n; else printf "-" }' "$1" "$2"
}
metric_delta_ms() { # before-file after-file prefix(pg|worker) kind(queue_time|usage): avg ms per use
  awk -v k="$3_$4" 'FNR==NR {b[$1]=$2; next} {a[$1]=$2}
       END { c = a[k "_seconds_count"] - b[k "_seconds_count"];
             if (c > 0) printf "%.2f", 1000 * (a[k "_seconds_sum"] - b[k "_seconds_sum"]) / c; else printf "-" }' "$1" "$2"
}

# --- one wrk run ---------------------------------------------------------------------------------

# run_wrk LABEL MODE CONNS DURATION RECORD(0|1): prints nothing, appends a row to $RAW when RECORD=1
run_wrk() {
  local label=$1 mode=$2 conns=$3 dur=$4 record=$5 run=${6:-0}
  local threads=$THREADS port=$HTTP_PORT file=""
  [ "$threads" -gt "$conns" ] && threads=$conns
  case "$mode" in
    ceiling) port=$CEILING_PORT ;;
    get) file=$SEED_DIR/ids.txt ;;
    get_uniform) file=$SEED_DIR/ids-all.txt ;;
    search_*) file=$SEED_DIR/terms-${mode#search_}.txt ;;
    list_*) file=$SEED_DIR/queries-${mode#list_}.txt ;;
  esac
  local wmode=${mode%%_*}
  check_alive
  if [ "$record" = 1 ]; then wait_quiet; fi
  local before=$RESULTS_DIR/.m0 after=$RESULTS_DIR/.m1
  scrape >"$before"
  local s0 p0 c0 b0 out t0 t1
  s0=$(ticks "$SHOAL_PID"); p0=$(ticks $(pg_pids)); c0=$(ticks "$CEILING_PID"); b0=$(busy_ticks); t0=$(date +%s%3N)
  out=$( { wrk -t"$threads" -c"$conns" -d"${dur}s" --timeout 10s -s "$ROOT/bench/wrk/shoal.lua" \
             "http://127.0.0.1:$port" -- "$wmode" "$STORE_ID" "$API_KEY" "$file"; times; } 2>&1 )
  local s1 p1 c1 b1
  s1=$(ticks "$SHOAL_PID"); p1=$(ticks $(pg_pids)); c1=$(ticks "$CEILING_PID"); b1=$(busy_ticks); t1=$(date +%s%3N)
  scrape >"$after"
  check_alive
  echo "$out" >>"$RESULTS_DIR/wrk-output.txt"
  [ "$record" = 1 ] || return 0
  local result wrk_ticks
  result=$(echo "$out" | grep '^RESULT ' || true)
  if [ -z "$result" ]; then
    echo "$out" >&2
    echo "wrk produced no RESULT line for $label" >&2
    exit 1
  fi
  # `times` prints the shell's and then the children's user and system time (e.g. 0m1.230s 0m0.450s)
  wrk_ticks=$(echo "$out" | tail -1 | awk -v hz="$CLK_TCK" '{ t = 0; for (i = 1; i <= 2; i++) {
      split($i, a, "m"); sub(/s$/, "", a[2]); t += a[1] * 60 + a[2] }; printf "%d", t * hz }')
  local secs server_t pg_t ceil_t busy other
  secs=$(echo "$result" | sed 's/.*duration_s=\([^ ]*\).*/\1/')
  server_t=$((s1 - s0)); pg_t=$((p1 - p0)); ceil_t=$((c1 - c0)); busy=$((b1 - b0))
  other=$((busy - server_t - pg_t - ceil_t - wrk_ticks)); [ $other -lt 0 ] && other=0
  local cpu
  cpu=$(awk -v s="$server_t" -v p="$pg_t" -v c="$ceil_t" -v w="$wrk_ticks" -v o="$other" -v d="$secs" -v hz="$CLK_TCK" \
    'BEGIN { f = 100 / (d * hz); printf "%.0f\t%.0f\t%.0f\t%.0f", (s + c) * f, p * f, w * f, o * f }')
  local wq wu pq pu pn
  if [ "$mode" = ceiling ]; then
    wq=-; wu=-; pq=-; pu=-; pn=-
  else
    pn=$(metric_delta_per "$before" "$after" pg usage "$(echo "$result" | sed 's/.*requests=\([0-9]*\).*/\1/')")
    wq=$(metric_delta_ms "$before" "$after" worker queue_time)
    wu=$(metric_delta_ms "$before" "$after" worker usage)
    pq=$(metric_delta_ms "$before" "$after" pg queue_time)
    pu=$(metric_delta_ms "$before" "$after" pg usage)
  fi
  local kv gc
  kv=$(echo "$result" | sed 's/^RESULT //' | tr ' ' '\n' | cut -d= -f2 | paste -sd'\t')
  gc=$(gc_pauses "$mode" "$t0" "$t1")
  local load1
  load1=$(cut -d' ' -f1 /proc/loadavg)
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$label" "$mode" "$conns" "$run" "$kv" "$cpu" "$wq" "$wu" "$pq" "$pu" "$load1" "$pn" "$gc" >>"$RAW"
  log "  $label run $run: $(echo "$result" | sed 's/^RESULT //') | cpu% server=$(echo "$cpu" | cut -f1) pg=$(echo "$cpu" | cut -f2) wrk=$(echo "$cpu" | cut -f3) other=$(echo "$cpu" | cut -f4) load=$load1 | gc pauses n/sum/max ms=$(echo "$gc" | tr '\t' /)"
}

# gc_pauses MODE T0 T1 (epoch ms): the server's GC pauses that ended inside [T0, T1]: count, sum and longest (ms),
# tab-separated; "-" for the ceiling (not Shoal). A run's p99 with a long pause in it is (partly) the collector's.
gc_pauses() {
  if [ "$1" = ceiling ] || [ ! -f "$GC_LOG" ]; then printf -- '-\t-\t-'; return; fi
  awk -v t0="$2" -v t1="$3" '/Pause/ && /ms$/ {
      t = substr($1, 2) + 0; if (t < t0 || t > t1) next
      ms = $NF; sub(/ms$/, "", ms); n++; sum += ms; if (ms + 0 > max) max = ms + 0 }
    END { printf "%d\t%.1f\t%.1f", n, sum, max }' "$GC_LOG"
}

# One more run of a scenario with a JFR CPU profile of the server, summarised per library.
profile_run() {
  local label=$1 mode=$2 conns=$3 jfr=$RESULTS_DIR/${1//@/-at-}.jfr
  log "$label: profiling the server with JFR during one more ${DURATION}s run"
  jcmd "$SHOAL_PID" JFR.start name=bench settings=profile duration="${DURATION}s" filename="$jfr" >/dev/null
  run_wrk "$label" "$mode" "$conns" "$DURATION" 0
  for _ in $(seq 50); do [ -s "$jfr" ] && break; sleep 0.2; done
  if command -v python3 >/dev/null && [ -s "$jfr" ]; then
    jfr print --json --stack-depth 64 --events jdk.ExecutionSample "$jfr" >"${jfr%.jfr}.json"
    python3 "$ROOT/bench/tools/jfr_summary.py" "${jfr%.jfr}.json" >"${jfr%.jfr}-jfr.txt" || true
    rm -f "${jfr%.jfr}.json"
  fi
}

measure() { # label mode conns
  local label=$1 mode=$2 conns=$3
  if [ "$mode" = ceiling ]; then start_ceiling; fi
  log "$label: warm-up ${WARMUP}s, then $RUNS x ${DURATION}s with $conns connections"
  if [ "$WARMUP" -gt 0 ]; then run_wrk "$label" "$mode" "$conns" "$WARMUP" 0; fi
  for r in $(seq "$RUNS"); do
    run_wrk "$label" "$mode" "$conns" "$DURATION" 1 "$r"
  done
  if [ "$mode" = ceiling ]; then stop_ceiling; fi
  if [ "$JFR" = 1 ] && [ "$mode" != ceiling ]; then profile_run "$label" "$mode" "$conns"; fi
}

# --- main ------------------------------------------------------------------------------------

command -v wrk >/dev/null || { log "installing wrk"; apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
command -v curl >/dev/null || { log "installing curl"; apt-get update -qq && apt-get install -y -qq curl >/dev/null; }

if [ "$SKIP_BUILD" = 0 ] || [ ! -f "$JAR" ]; then
  log "building target/shoal.jar"
  mvn -B -q package -DskipTests
fi

for p in "$HTTP_PORT" "$CEILING_PORT" "$PG_PORT"; do
  if ss -ltn "sport = :$p" | grep -q LISTEN; then
    echo "port $p is already in use on this machine; set HTTP_PORT / CEILING_PORT / PG_PORT" >&2
    exit 1
  fi
done

REUSE=0
if [ "$KEEP_DATA" = 1 ] && [ -f "$SEED_DIR/done" ] && [ "$(cat "$SEED_DIR/done")" = "$CUSTOMERS $SEED" ]; then
  REUSE=1
  log "reusing the seeded data in $DATA_DIR ($CUSTOMERS customers)"
else
  rm -rf "$DATA_DIR"
fi
mkdir -p "$DATA_DIR"

start_shoal

if [ "$REUSE" = 0 ]; then
  mkdir -p "$SEED_DIR"
  ADMIN_KEY=$(cat "$DATA_DIR/admin-key")
  log "creating the benchmark store through the API"
  STORE_JSON=$(curl -sf -X POST "http://127.0.0.1:$HTTP_PORT/v1/stores" \
    -H "Authorization: Bearer $ADMIN_KEY" -H 'Content-Type: application/json' -d '{"name":"Benchmark Store"}')
  STORE_ID=$(echo "$STORE_JSON" | grep -o '"id":"store_[^"]*"' | cut -d'"' -f4)
  API_KEY=$(echo "$STORE_JSON" | grep -o '"api_key":"[^"]*"' | cut -d'"' -f4)
  [ -n "$STORE_ID" ] && [ -n "$API_KEY" ] || { echo "could not create the store: $STORE_JSON" >&2; exit 1; }
  printf 'STORE_ID=%s\nAPI_KEY=%s\n' "$STORE_ID" "$API_KEY" >"$SEED_DIR/store.env"
  log "seeding $CUSTOMERS customers into $STORE_ID straight into PostgreSQL (COPY)"
  SEED_START=$(date +%s)
  java -cp "$JAR" "$ROOT/bench/BenchDb.java" seed "$PG_PORT" "$STORE_ID" "$CUSTOMERS" "$SEED_DIR" "$SEED" \
    | tee "$LOG_DIR/seed.log" >&2
  echo "$CUSTOMERS $SEED" >"$SEED_DIR/done"
  SEED_SECONDS=$(( $(date +%s) - SEED_START ))
  echo "$SEED_SECONDS" >"$SEED_DIR/seed-seconds"
else
  # shellcheck disable=SC1091
  . "$SEED_DIR/store.env"
  java -cp "$JAR" "$ROOT/bench/BenchDb.java" reset "$PG_PORT" "$STORE_ID" >&2
fi
# shellcheck disable=SC1091
. "$SEED_DIR/store.env"
# Segments and query strings of the list-with-filters scenarios (also on data seeded before they existed).
if [ ! -f "$SEED_DIR/queries-tags.txt" ] || [ ! -f "$SEED_DIR/queries-segold.txt" ]; then
  log "adding the benchmark segments and list filter queries"
  java -cp "$JAR" "$ROOT/bench/BenchDb.java" filters "$PG_PORT" "$STORE_ID" "$SEED_DIR" >&2
fi
# Every customer's id, for get_uniform (also on data seeded before it existed).
if [ ! -f "$SEED_DIR/ids-all.txt" ]; then
  log "writing every customer id to ids-all.txt (COPY)"
  java -cp "$JAR" "$ROOT/bench/BenchDb.java" ids "$PG_PORT" "$STORE_ID" "$SEED_DIR/ids-all.txt" >&2
fi

# Sanity: an id from the sample answers 200, a search answers 200.
ONE_ID=$(head -1 "$SEED_DIR/ids.txt")
curl -sf -o /dev/null -H "Authorization: Bearer $API_KEY" \
  "http://127.0.0.1:$HTTP_PORT/v1/stores/$STORE_ID/customers/$ONE_ID" || { echo "GET of a seeded id failed" >&2; exit 1; }

{
  echo "date_utc=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "git_commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //') x $(nproc)"
  echo "memory=$(free -g | awk '/^Mem:/{print $2}') GiB"
  echo "kernel=$(uname -r)"
  echo "java=$(java -version 2>&1 | head -1)"
  echo "wrk=$(wrk -v 2>&1 | head -1)"
  echo "customers=$(java -cp "$JAR" "$ROOT/bench/BenchDb.java" count "$PG_PORT" "$STORE_ID")"
  echo "seed_seconds=$(cat "$SEED_DIR/seed-seconds" 2>/dev/null || echo '?')"
  echo "conns=$CONNS threads=$THREADS duration_s=$DURATION warmup_s=$WARMUP runs=$RUNS light_conns=$LIGHT_CONNS"
  echo "java_opts=${JAVA_OPTS:-} server_java_opts=$SERVER_JAVA_OPTS"
  echo "http_instances=$INSTANCES pg_pool_size=${SHOAL_PG_POOL_SIZE:-default}"
} >"$RESULTS_DIR/env.txt"
cat "$RESULTS_DIR/env.txt" >&2

printf 'label\tmode\tconns\trun\trequests\tduration_s\trps\tp50_ms\tp90_ms\tp99_ms\tmax_ms\tnon2xx\tsockerr\ttimeouts\tcpu_server\tcpu_pg\tcpu_wrk\tcpu_other\tworker_wait_ms\tworker_use_ms\tpg_wait_ms\tpg_use_ms\tload1\tpg_uses_per_req\tgc_pauses\tgc_pause_ms\tgc_pause_max_ms\n' >"$RAW"

# Before any load: the plans PostgreSQL picks for one search term of each class, on the seeded data.
if [ "$PROBES" = 1 ]; then
  log "EXPLAIN ANALYZE of the search SQL for one term of each class"
  EXPLAIN_TERMS=()
  for c in email surname phone common; do
    EXPLAIN_TERMS+=("$(head -1 "$SEED_DIR/terms-$c.txt")")
  done
  java -cp "$JAR" "$ROOT/bench/BenchDb.java" explain "$PG_PORT" "$STORE_ID" "${EXPLAIN_TERMS[@]}" \
    >"$RESULTS_DIR/explain.txt" 2>&1 || log "explain failed (see $RESULTS_DIR/explain.txt)"
  log "timing every search term and list query once through the server, one at a time (no concurrency)"
  java -cp "$JAR" "$ROOT/bench/BenchDb.java" profile-http "$HTTP_PORT" "$STORE_ID" "$API_KEY" \
    "$SEED_DIR/terms-email.txt" "$SEED_DIR/terms-surname.txt" "$SEED_DIR/terms-phone.txt" "$SEED_DIR/terms-common.txt" \
    "$SEED_DIR/queries-tags.txt" "$SEED_DIR/queries-created.txt" "$SEED_DIR/queries-segment.txt" "$SEED_DIR/queries-metadata.txt" \
    >"$RESULTS_DIR/profile.txt" 2>&1 || log "profile failed (see $RESULTS_DIR/profile.txt)"
fi

# Reads first (heavy, then light load), create last: the rows it adds must not change what the
# reads see. The rows it adds are deleted again at the end (or with the data dir).
for s in $SCENARIOS; do
  if [ "$s" != create ]; then measure "$s" "$s" "$CONNS"; fi
done
if [ "$LIGHT_CONNS" -gt 0 ]; then
  for s in $LIGHT_SCENARIOS; do
    if [ "$s" != create ]; then measure "$s@$LIGHT_CONNS" "$s" "$LIGHT_CONNS"; fi
  done
fi
for s in $SCENARIOS; do
  if [ "$s" = create ]; then measure create create "$CONNS"; fi
done
if [ "$LIGHT_CONNS" -gt 0 ]; then
  for s in $LIGHT_SCENARIOS; do
    if [ "$s" = create ]; then measure "create@$LIGHT_CONNS" create "$LIGHT_CONNS"; fi
  done
fi

bash "$ROOT/bench/report.sh" "$RESULTS_DIR" | tee "$RESULTS_DIR/report.md"
log "results in $RESULTS_DIR"
