#!/usr/bin/env bash
# Benchmark of Shoal's real-time segment engine: ingest, 202 -> transition latency, backfill,
# per-event SQL comparison, memory per customer. See bench/engine/README.md.
#
#   bench/engine/run.sh [--quick] [--skip-build] [--keep-data] [--help]
#
#   --quick       a small smoke run (5k customers, 50 segments, 20k for backfill, 1 run of a few s)
#   --skip-build  use the existing target/shoal.jar
#   --keep-data   keep the data dirs (bench/engine/work/data-*) at the end
#   --reuse-data  start from the small data set a run with --keep-data left (same CUSTOMERS and
#                 SEGMENTS; its store and key are in data-small/bench-store.env) instead of
#                 seeding and creating the segments again: minutes less per run when comparing jars
#                 (jars whose migrations the data set already has)
#
# Parameters (environment, with defaults):
#   STEPS="ingest latency sql durable backfill"   which parts to run (start-up, memory and idle CPU
#                                         are always measured); durable repeats ingest and a latency
#                                         run at DURABLE_LAT_RATE=1000 with fsync and synchronous_commit on
#   CUSTOMERS=100000 SEGMENTS=1000 BIG_CUSTOMERS=1000000 SEED=42
#   RUNS=3 DURATION=20 WARMUP=5           ingest: runs, measured seconds, warm-up seconds per run
#   CONNS=64 THREADS=2                    wrk connections/threads, single-event ingest
#   INGEST_MODES="single batch"           which ingest runs the ingest (and durable) step makes
#   BATCH=1000 BATCH_CONNS=4              events per batch request, connections for batches
#   MIX="page.viewed:50,cart.updated:20,order.completed:30"   event types and weights
#   LAT_RATES="5000 200" LAT_DURATION=40 LAT_WARMUP=10 PROBE_PCT=10  open-loop latency runs
#   WEBHOOKS=0                            with N > 0, the latency runs also measure 202 -> signed webhook
#                                         received at N endpoints on loopback receivers (LatencyLoad.java)
#   PROFILE=1                             record a JFR profile of Shoal during the first measured
#                                         run of each step, summarised by jfr-top.sh (0 = off)
#   PG_PERF=0                             with 1, a perf profile (call graphs) of PostgreSQL's processes
#                                         during the first measured ingest run, summarised in pg-perf-*.txt
#   SQL_DURATION=20 SQL_THREADS=4         the per-event SQL comparison
#   DRAIN_MAX=600                         longest wait for the evaluators to catch up after a run
#   DURABLE_RUNS=1 DURABLE_LAT_RATE=200   runs and latency rate of the durable variant
#   HTTP_PORT, PG_PORT                    loopback ports used (default: free ports picked at start, so
#                                         two benchmarks on one machine never share a port)
#   WORK_DIR=bench/engine/work            data dirs, logs and results
#   QUIET_PCT=30 QUIET_MAX=900            before each measurement wait (polling every 30 s, at most
#                                         QUIET_MAX s) until no other benchmark runs and processes
#                                         other than ours use less than QUIET_PCT % of one core
#   JAR=target/shoal.jar                  the jar under test (with --skip-build: e.g. a base build beside yours)
#   JAVA_OPTS, SHOAL_HTTP_INSTANCES, SHOAL_PG_POOL_SIZE, SHOAL_EVALUATOR_PARTITIONS  passed to Shoal
#
# Every load run lasts a bounded time and targets 127.0.0.1 only. The servers started here are
# stopped on exit (also on Ctrl-C or failure); nothing else is ever killed.
set -euo pipefail

cd "$(dirname "$0")/../.."
ROOT=$(pwd)
HERE=$ROOT/bench/engine

QUICK=0
SKIP_BUILD=0
KEEP_DATA=0
REUSE_DATA=0
for arg in "$@"; do
  case "$arg" in
    --quick) QUICK=1 ;;
    --skip-build) SKIP_BUILD=1 ;;
    --keep-data) KEEP_DATA=1 ;;
    --reuse-data) REUSE_DATA=1 ;;
    -h|--help) sed -n '2,37p' "$0"; exit 0 ;;
    *) echo "unknown argument: $arg (try --help)" >&2; exit 2 ;;
  esac
done

if [ "$QUICK" = 1 ]; then
  : "${CUSTOMERS:=5000}" "${SEGMENTS:=50}" "${BIG_CUSTOMERS:=20000}" "${RUNS:=1}" "${DURATION:=5}" "${WARMUP:=2}"
  : "${LAT_RATES:=500}" "${LAT_DURATION:=8}" "${LAT_WARMUP:=2}" "${SQL_DURATION:=3}" "${QUIET_MAX:=0}"
fi
STEPS=${STEPS:-"ingest latency sql durable backfill"}
CUSTOMERS=${CUSTOMERS:-100000}
SEGMENTS=${SEGMENTS:-1000}
BIG_CUSTOMERS=${BIG_CUSTOMERS:-1000000}
SEED=${SEED:-42}
RUNS=${RUNS:-3}
DURATION=${DURATION:-20}
WARMUP=${WARMUP:-5}
CONNS=${CONNS:-64}
THREADS=${THREADS:-2}
BATCH=${BATCH:-1000}
BATCH_CONNS=${BATCH_CONNS:-4}
MIX=${MIX:-"page.viewed:50,cart.updated:20,order.completed:30"}
LAT_RATES=${LAT_RATES:-"5000 200"}
export WEBHOOKS=${WEBHOOKS:-0} # read by LatencyLoad.java
PROFILE=${PROFILE:-1}
PG_PERF=${PG_PERF:-0}
LAT_DURATION=${LAT_DURATION:-40}
LAT_WARMUP=${LAT_WARMUP:-10}
PROBE_PCT=${PROBE_PCT:-10}
SQL_DURATION=${SQL_DURATION:-20}
SQL_THREADS=${SQL_THREADS:-4}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
HTTP_PORT=${HTTP_PORT:-$(free_port)}
PG_PORT=${PG_PORT:-$(free_port)}

# What the script needs beyond the JDK and Maven, installed when missing (Debian/Ubuntu).
need() { # command package
  command -v "$1" >/dev/null && return 0
  echo "installing $2 (for $1)" >&2
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null; } \
    || { echo "could not install $2; install it and run again" >&2; exit 1; }
}
need wrk wrk
need curl curl
need psql postgresql-client
need jcmd openjdk-17-jdk-headless
WORK_DIR=${WORK_DIR:-bench/engine/work}
QUIET_PCT=${QUIET_PCT:-30}
QUIET_MAX=${QUIET_MAX:-900}
DRAIN_MAX=${DRAIN_MAX:-600}
DURABLE_RUNS=${DURABLE_RUNS:-1}
DURABLE_LAT_RATE=${DURABLE_LAT_RATE:-200}

mkdir -p "$WORK_DIR"
WORK_DIR=$(cd "$WORK_DIR" && pwd)
RESULTS=$WORK_DIR/results/$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$RESULTS"
RAW=$RESULTS/raw.tsv
: >"$RAW"
JAR=${JAR:-$ROOT/target/shoal.jar}
INGEST_MODES=${INGEST_MODES:-"single batch"}
# The server runs from a copy of the jar whose name no broad `pkill -f shoal` elsewhere matches.
RUN_JAR=$WORK_DIR/engine-under-test.jar
CLK_TCK=$(getconf CLK_TCK)
PSQL_URL="postgresql://postgres:postgres@127.0.0.1:$PG_PORT/postgres"
ADMIN_KEY=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
BASE=http://127.0.0.1:$HTTP_PORT

SHOAL_PID=
OWN_PG_PID=
PG_BIN=
V=
SHOAL_PG_URL_USED=
DATA_DIR=
STORE_ID=
API_KEY=

log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*" | tee -a "$RESULTS/run.log" >&2; }
record() { printf '%s\n' "$*" >>"$RAW"; log "  $*"; }

# --- processes ----------------------------------------------------------------------------------

postmaster_pid() {
  [ -n "$DATA_DIR" ] && [ -f "$DATA_DIR/pg/postmaster.pid" ] && head -1 "$DATA_DIR/pg/postmaster.pid" || true
}
pg_pids() { local pm; pm=$(postmaster_pid); [ -n "$pm" ] && echo "$pm" $(pgrep -P "$pm" || true); }

stop_pid() { # pid, name: SIGTERM, wait up to 60 s, then SIGKILL (only processes this script started)
  local pid=$1 name=$2
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  log "stopping $name (pid $pid)"
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 600); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  log "$name did not stop in 60 s; killing it"
  kill -9 "$pid" 2>/dev/null || true
}

stop_shoal() {
  local pm
  pm=$(postmaster_pid)
  stop_pid "$SHOAL_PID" "Shoal"
  SHOAL_PID=
  # Shoal stops its embedded PostgreSQL on SIGTERM; if it could not, stop the postmaster it started.
  if [ -n "$pm" ] && [ "$pm" != "$OWN_PG_PID" ] && kill -0 "$pm" 2>/dev/null && grep -q postgres "/proc/$pm/comm" 2>/dev/null; then
    stop_pid "$pm" "embedded PostgreSQL"
  fi
}

# The embedded PostgreSQL runs with fsync off and synchronous_commit off (its defaults). For the
# durable variant the same data dir is served by the same binary with both on, started here,
# and Shoal connects to it as an external database.
start_durable_pg() {
  [ -n "$PG_BIN" ] || { echo "the embedded PostgreSQL binary was not found" >&2; exit 1; }
  log "starting PostgreSQL with fsync=on synchronous_commit=on on $DATA_DIR/pg (port $PG_PORT)"
  # PostgreSQL refuses to run as root (the embedded one's launcher gets around that): run this one
  # as the unprivileged postgres user, which must own the data dir meanwhile
  chown -R postgres "$DATA_DIR/pg"
  runuser -u postgres -- "$PG_BIN" -D "$DATA_DIR/pg" -p "$PG_PORT" -c listen_addresses=127.0.0.1 -c fsync=on \
    -c synchronous_commit=on -c max_connections=300 -c shared_buffers=256MB -c timezone=UTC \
    >"$RESULTS/postgres-durable.log" 2>&1 &
  for _ in $(seq 300); do psql_q "SELECT 1" >/dev/null 2>&1 && break; sleep 0.2; done
  psql_q "SHOW fsync" | grep -qx on || { echo "durable PostgreSQL did not start" >&2; exit 1; }
  OWN_PG_PID=$(postmaster_pid)
  record "durable	pg	$(psql_q "SELECT string_agg(name || '=' || setting, ' ') FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit', 'full_page_writes', 'wal_sync_method')")"
  SHOAL_PG_URL_USED=$PSQL_URL
}
stop_durable_pg() {
  stop_pid "$OWN_PG_PID" "PostgreSQL (durable)"
  [ -z "$OWN_PG_PID" ] || chown -R root "$DATA_DIR/pg"
  OWN_PG_PID=
  SHOAL_PG_URL_USED=
}

cleanup() {
  local rc=$?
  stop_shoal
  stop_durable_pg
  if [ "$KEEP_DATA" = 0 ]; then
    rm -rf "$WORK_DIR/data-small" "$WORK_DIR/data-big"
  fi
  [ $rc = 0 ] || log "failed (exit $rc); logs in $RESULTS"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

wait_http() { # url, seconds
  for _ in $(seq $(( $2 * 20 ))); do
    curl -sf -o /dev/null "$1" && return 0
    sleep 0.05
  done
  return 1
}

now_ms() { date +%s%3N; }

# start_shoal LABEL: starts Shoal on DATA_DIR and records how long it took to answer /health/ready
start_shoal() {
  local label=$1 t0 t1
  cp "$JAR" "$RUN_JAR"
  t0=$(now_ms)
  [ -z "${XSS_WORKAROUND:-}" ] || case " ${JAVA_OPTS:-} " in *" -Xss16m "*) ;; *) JAVA_OPTS="${JAVA_OPTS:-} -Xss16m" ;; esac
  # shellcheck disable=SC2086
  SHOAL_HTTP_HOST=127.0.0.1 SHOAL_HTTP_PORT=$HTTP_PORT SHOAL_DATA_DIR=$DATA_DIR SHOAL_EMBEDDED_PG_PORT=$PG_PORT \
    SHOAL_PG_URL=$SHOAL_PG_URL_USED SHOAL_ADMIN_KEY=$ADMIN_KEY java ${JAVA_OPTS:-} -jar "$RUN_JAR" >>"$RESULTS/shoal-$label.log" 2>&1 &
  SHOAL_PID=$!
  local ok=0
  for _ in $(seq 18000); do
    if curl -sf -m 5 -o /dev/null "$BASE/health/ready"; then ok=1; break; fi
    if grep -q "StackOverflowError" "$RESULTS/shoal-$label.log"; then break; fi
    kill -0 "$SHOAL_PID" 2>/dev/null || break
    sleep 0.05
  done
  if [ $ok = 0 ] && grep -q "StackOverflowError" "$RESULTS/shoal-$label.log" && [ -z "${XSS_RETRY:-}" ]; then
    # Seen with ~10M membership rows: the evaluator's paged scan (EvaluationStore.readAll) composes
    # one future per page, and completing that chain overflows the default 1 MB thread stack. The
    # process then hangs instead of exiting. Record it and start again with bigger stacks.
    record "start	$label	failed_after_ms=$(( $(now_ms) - t0 )) cause=StackOverflowError (see shoal-$label.log); retrying with -Xss16m"
    stop_shoal
    JAVA_OPTS="${JAVA_OPTS:-} -Xss16m" XSS_RETRY=1 start_shoal "$label-xss16m"
    XSS_WORKAROUND=1
    return
  fi
  if [ $ok = 0 ]; then
    tail -30 "$RESULTS/shoal-$label.log" >&2
    echo "Shoal did not become ready" >&2
    exit 1
  fi
  t1=$(now_ms)
  [ -n "$PG_BIN" ] || PG_BIN=$(readlink -f "/proc/$(postmaster_pid)/exe" 2>/dev/null || true)
  local evals
  evals=$(grep -o 'Evaluator partition [0-9]*/[0-9]* ready: [0-9]* customers, log at seq [0-9]*, in [0-9]* ms' \
    "$RESULTS/shoal-$label.log" | tail -n "${SHOAL_EVALUATOR_PARTITIONS:-$(nproc)}" | sed 's/.*ready: \([0-9]*\) customers.* in \([0-9]*\) ms/\1:\2ms/' | tr '\n' ' ')
  record "start	$label	ready_ms=$((t1 - t0)) evaluators=[${evals% }]"
}

psql_q() { psql -X -q -At "$PSQL_URL" -c "$1"; }

# --- quiet machine ------------------------------------------------------------------------------

ticks() { # utime+stime (clock ticks) of the given pids that still exist
  local t=0 p v
  for p in "$@"; do
    [ -n "$p" ] || continue
    v=$(awk '{print $14+$15}' "/proc/$p/stat" 2>/dev/null || echo 0)
    t=$((t + v))
  done
  echo $t
}
busy_ticks() { awk '/^cpu /{print $2+$3+$4+$7+$8+$9}' /proc/stat; }
# utime+stime (clock ticks) of the pid's JIT compiler threads ("C1 CompilerThre", "C2 CompilerThre") and of its GC
# threads (G1's "GC Thread#n", "G1 Conc#n", "G1 Refine#n", "G1 Service"), as "jit gc": one awk over its threads' stat
jit_gc_ticks() {
  local out
  [ -n "${1:-}" ] && [ -d "/proc/$1/task" ] || { echo "0 0"; return 0; }
  # a thread that ends meanwhile is skipped (its stat file gone); one line whatever awk says
  out=$(awk '{ s = $0; i = index(s, "("); j = 0
         for (k = length(s); k > i; k--) if (substr(s, k, 1) == ")") { j = k; break }
         name = substr(s, i + 1, j - i - 1); split(substr(s, j + 2), f, " "); t = f[12] + f[13]
         if (name ~ /^C[12] CompilerThre/) jit += t; else if (name ~ /^(GC Thread|G1 )/) gc += t }
       END { printf "%d %d\n", jit, gc }' /proc/"$1"/task/*/stat 2>/dev/null || true)
  echo "${out:-0 0}" | head -1
}

# CPU used by everything but Shoal and its PostgreSQL over 3 s, in % of one core.
other_cpu_pct() {
  local b0 o0 b1 o1
  b0=$(busy_ticks); o0=$(ticks "$SHOAL_PID" $(pg_pids))
  sleep 3
  b1=$(busy_ticks); o1=$(ticks "$SHOAL_PID" $(pg_pids))
  echo $(( ((b1 - b0) - (o1 - o0)) * 100 / (3 * CLK_TCK) ))
}

# Other benchmarks (wrk, the customers benchmark, any bench/ script) that are not ours.
other_benchmarks() {
  pgrep -af 'wrk|BenchDb|bench/' 2>/dev/null | grep -v -e "$HERE" -e "bench/engine" -e "$WORK_DIR" -e "pgrep" || true
}

QUIET_NOTE=
wait_quiet() {
  local waited=0 pct others
  while :; do
    others=$(other_benchmarks)
    pct=$(other_cpu_pct)
    if [ -z "$others" ] && [ "$pct" -lt "$QUIET_PCT" ]; then
      break
    fi
    if [ "$waited" -ge "$QUIET_MAX" ]; then
      log "  still busy after ${waited}s (other CPU ${pct}%, other benchmarks: ${others:-none}); measuring anyway"
      break
    fi
    log "  machine busy (other CPU ${pct}% of a core; other benchmarks: $(echo "${others:-none}" | cut -c1-120 | tr '\n' ';')); waiting 30 s"
    sleep 27
    waited=$((waited + 30))
  done
  QUIET_NOTE="other_cpu_pct=$pct load1=$(cut -d' ' -f1 /proc/loadavg) waited_s=$waited"
}

# --- CPU split during a run ---------------------------------------------------------------------

CPU_MARK=
cpu_mark() { # load generator pid: remembers the tick counts at the start of a measurement window
  CPU_MARK="$(busy_ticks) $(ticks "$SHOAL_PID") $(ticks $(pg_pids)) $(ticks "$1") $(date +%s%N) $(jit_gc_ticks "$SHOAL_PID")"
}
cpu_split() { # load generator pid: prints the cores each used since cpu_mark (call while it runs)
  local b0 s0 p0 g0 n0 j0 c0 b1 s1 p1 g1 n1 j1 c1 secs
  read -r b0 s0 p0 g0 n0 j0 c0 <<<"$CPU_MARK"
  b1=$(busy_ticks); s1=$(ticks "$SHOAL_PID"); p1=$(ticks $(pg_pids)); g1=$(ticks "$1"); n1=$(date +%s%N)
  read -r j1 c1 <<<"$(jit_gc_ticks "$SHOAL_PID")"
  secs=$(awk -v a="$n0" -v b="$n1" 'BEGIN{print (b-a)/1e9}')
  # cpu_shoal_jit / cpu_shoal_gc: the part of cpu_shoal its JIT compiler and GC threads used (bench/engine's
  # thirty-sixth pass: after run.sh's 5 s warm-up the JIT still took ~30 % of Shoal's CPU in the window)
  awk -v b=$((b1 - b0)) -v s=$((s1 - s0)) -v p=$((p1 - p0)) -v g=$((g1 - g0)) -v t="$secs" -v hz="$CLK_TCK" \
    -v j=$((j1 - j0)) -v c=$((c1 - c0)) \
    'BEGIN{printf "cpu_shoal=%.2f cpu_pg=%.2f cpu_loadgen=%.2f cpu_other=%.2f cpu_total=%.2f cpu_shoal_jit=%.2f cpu_shoal_gc=%.2f",
      s/hz/t, p/hz/t, g/hz/t, (b-s-p-g)/hz/t, b/hz/t, j/hz/t, c/hz/t}'
}
profile_start() { # label seconds: a JFR recording of Shoal (CPU samples), if PROFILE=1
  [ "$PROFILE" = 1 ] || return 0
  jcmd "$SHOAL_PID" JFR.start name="$1" duration="${2}s" settings=profile filename="$RESULTS/profile-$1.jfr" >/dev/null
}
profile_report() { # label: summarises the recording once it is written
  [ "$PROFILE" = 1 ] || return 0
  for _ in $(seq 60); do [ -s "$RESULTS/profile-$1.jfr" ] && break; sleep 1; done
  "$HERE/jfr-top.sh" "$RESULTS/profile-$1.jfr" 30 >"$RESULTS/profile-$1.txt" 2>&1 || true
}

# Shoal's CPU with no requests at all (time-relative re-checks, timers), in cores.
idle_cpu() { # label
  local t0 t1
  wait_quiet
  t0=$(ticks "$SHOAL_PID" $(pg_pids))
  local s0; s0=$(ticks "$SHOAL_PID")
  profile_start "idle-$1" 20
  sleep 20
  t1=$(ticks "$SHOAL_PID" $(pg_pids))
  record "idle	$1	cpu_shoal=$(awk -v a="$s0" -v b="$(ticks "$SHOAL_PID")" -v hz="$CLK_TCK" 'BEGIN{printf "%.2f", (b-a)/hz/20}') cpu_shoal_and_pg=$(awk -v a="$t0" -v b="$t1" -v hz="$CLK_TCK" 'BEGIN{printf "%.2f", (b-a)/hz/20}') $QUIET_NOTE"
  profile_report "idle-$1"
}

gc_seconds() { jstat -gcutil "$SHOAL_PID" 2>/dev/null | awk 'NR==2{print $NF}'; }

# --- data -------------------------------------------------------------------------------------

heap_used_kb() { # after a full GC
  jcmd "$SHOAL_PID" GC.run >/dev/null
  sleep 1
  jcmd "$SHOAL_PID" GC.run >/dev/null
  jcmd "$SHOAL_PID" GC.heap_info | awk '/garbage-first heap|total .* used/ {for(i=1;i<=NF;i++) if($i=="used"){v=$(i+1); sub(/K,?/,"",v); print v; exit}}'
}

create_store() {
  local res
  res=$(curl -sf -XPOST "$BASE/v1/stores" -H "Authorization: Bearer $ADMIN_KEY" -H 'Content-Type: application/json' \
    -d '{"name":"bench-engine"}')
  STORE_ID=$(echo "$res" | sed 's/.*"id":"\(store_[^"]*\)".*/\1/')
  API_KEY=$(echo "$res" | sed 's/.*"api_key":"\([^"]*\)".*/\1/')
  [ -n "$STORE_ID" ] && [ -n "$API_KEY" ] || { echo "could not create a store: $res" >&2; exit 1; }
}

enable_pg_stat_statements() {
  psql_q "ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'" 2>/dev/null
}

# Every customer's identities once (by external id and by email), so Shoal's identity cache is
# warm as it would be in steady state: 2 x CUSTOMERS page views in batches of 1000.
warm_identities() {
  local from=0 n=1000 t0
  t0=$(now_ms)
  while [ $from -lt "$CUSTOMERS" ]; do
    awk -v a=$from -v n=$n -v c="$CUSTOMERS" 'BEGIN{printf "{\"events\":["; for(i=a;i<a+n && i<c;i++){
        if(i>a) printf ","; printf "{\"type\":\"page.viewed\",\"customer\":{\"external_id\":\"ext%07d\"},\"data\":{\"url\":\"/warm\"}}", i}
      printf "]}"}' | curl -sf -o /dev/null -XPOST "$BASE/v1/stores/$STORE_ID/events/batch" \
        -H "Authorization: Bearer $API_KEY" -H 'Content-Type: application/json' --data-binary @-
    awk -v a=$from -v n=$n -v c="$CUSTOMERS" 'BEGIN{printf "{\"events\":["; for(i=a;i<a+n && i<c;i++){
        if(i>a) printf ","; printf "{\"type\":\"page.viewed\",\"customer\":{\"email\":\"c%07d@bench.example\"},\"data\":{\"url\":\"/warm\"}}", i}
      printf "]}"}' | curl -sf -o /dev/null -XPOST "$BASE/v1/stores/$STORE_ID/events/batch" \
        -H "Authorization: Bearer $API_KEY" -H 'Content-Type: application/json' --data-binary @-
    from=$((from + n))
  done
  drain >/dev/null
  log "identity cache warmed in $(( $(now_ms) - t0 )) ms"
}

# Waits (at most DRAIN_MAX s) until the evaluators have applied every logged event; prints
# "s=.. backlog_start=.. backlog_end=.. drain_eps=.." (see LatencyLoad.drainMain).
drain() { java -cp "$JAR" "$HERE/LatencyLoad.java" drain "$PG_PORT" "${1:-$DRAIN_MAX}" | sed -n 's/^DRAIN //p'; }

kv() { sed -n "s/.*[[:space:]]$1=\([^[:space:]]*\).*/\1/p" | head -1; } # value of key=value in a line
kv_line() { sed 's/^/ /' | kv "$1"; }                                        # the same, key may come first

pg_top_statements() { # label
  psql -X -q "$PSQL_URL" -c "SELECT calls, round(total_exec_time::numeric) AS total_ms,
      round(mean_exec_time::numeric, 3) AS mean_ms, round(max_exec_time::numeric, 1) AS max_ms, round(stddev_exec_time::numeric, 2) AS sd_ms, rows, plans, round(total_plan_time::numeric) AS plan_ms, left(regexp_replace(query, '\s+', ' ', 'g'), 140) AS query
    FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 15" >"$RESULTS/pg-top-$1.txt" 2>&1 || true
  psql -X -q "$PSQL_URL" -c "SELECT calls, round(total_exec_time::numeric) AS total_ms, rows, shared_blks_hit AS hit,
      shared_blks_read AS read, shared_blks_dirtied AS dirtied, shared_blks_written AS written, wal_records, wal_fpi, wal_bytes,
      left(regexp_replace(query, '\s+', ' ', 'g'), 100) AS query
    FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 15" >"$RESULTS/pg-io-$1.txt" 2>&1 || true
  psql -X -q "$PSQL_URL" -c "SELECT relname, n_tup_ins, n_tup_upd, n_tup_hot_upd, n_tup_del, n_live_tup, n_dead_tup,
      pg_size_pretty(pg_total_relation_size(relid)) AS size, autovacuum_count, autoanalyze_count
    FROM pg_stat_user_tables ORDER BY n_tup_ins + n_tup_upd DESC LIMIT 12" >"$RESULTS/pg-tables-$1.txt" 2>&1 || true
}
pg_reset_statements() {
  psql_q "SELECT pg_stat_statements_reset()" >/dev/null 2>&1 || true
  psql_q "SELECT pg_stat_reset_shared('wal')" >/dev/null 2>&1 || true
  psql_q "SELECT checkpoints_timed + checkpoints_req FROM pg_stat_bgwriter" >"$RESULTS/pg-ckpt0" 2>/dev/null || true
  psql_q "SELECT sum(n_tup_upd), sum(n_tup_hot_upd) FROM pg_stat_user_tables WHERE relname = 'customer_eval_state'" \
    >"$RESULTS/pg-upd0" 2>/dev/null || true
}
# WAL written since pg_reset_statements (pg_stat_wal: records, full-page images, bytes, buffers full), checkpoints,
# and the state rows' updates and HOT updates since then
pg_wal_stats() { # label
  {
    psql -X -q "$PSQL_URL" -c "SELECT wal_records, wal_fpi, wal_bytes, wal_buffers_full, wal_write, wal_sync FROM pg_stat_wal"
    echo "checkpoints: $(( $(psql_q "SELECT checkpoints_timed + checkpoints_req FROM pg_stat_bgwriter") - $(cat "$RESULTS/pg-ckpt0" 2>/dev/null || echo 0) ))"
    read -r u0 h0 <<<"$(tr '|' ' ' <"$RESULTS/pg-upd0" 2>/dev/null)"
    read -r u1 h1 <<<"$(psql_q "SELECT sum(n_tup_upd), sum(n_tup_hot_upd) FROM pg_stat_user_tables WHERE relname = 'customer_eval_state'" | tr '|' ' ')"
    echo "customer_eval_state updates: $(( u1 - ${u0:-0} )) hot: $(( h1 - ${h0:-0} ))"
  } >"$RESULTS/pg-wal-$1.txt" 2>&1 || true
}
pg_perf_start() { # label seconds: perf record of PostgreSQL's processes, if PG_PERF=1
  [ "$PG_PERF" = 1 ] || return 0
  perf record -q -g -F 499 -o "$RESULTS/pg-perf-$1.data" -p "$(pg_pids | tr ' ' ',')" -- sleep "$2" >/dev/null 2>&1 &
  PG_PERF_PID=$!
}
pg_perf_report() { # label
  [ "$PG_PERF" = 1 ] || return 0
  wait "$PG_PERF_PID" 2>/dev/null || true
  perf report -i "$RESULTS/pg-perf-$1.data" --no-children --sort symbol --stdio 2>/dev/null | grep -v '^$' | head -400 \
    >"$RESULTS/pg-perf-$1.txt" || true
  perf report -i "$RESULTS/pg-perf-$1.data" --children --sort symbol --stdio -g none 2>/dev/null | grep '%' | head -120 \
    >"$RESULTS/pg-perf-children-$1.txt" || true
}

# --- steps ------------------------------------------------------------------------------------

ingest() { # mode (single|batch)
  local mode=$1 run out t c dr ev secs pre
  if [ "$mode" = single ]; then t=$THREADS; c=$CONNS; else t=1; c=$BATCH_CONNS; fi
  for run in $(seq "$RUNS"); do
    wait_quiet
    log "ingest $V$mode run $run/$RUNS: wrk -t$t -c$c, ${WARMUP}s warm-up + ${DURATION}s ($QUIET_NOTE)"
    wrk -t"$t" -c"$c" -d"${WARMUP}s" -s "$HERE/ingest.lua" "$BASE" -- "$mode" "$STORE_ID" "$API_KEY" "$CUSTOMERS" \
      "$MIX" "$BATCH" >/dev/null
    pre=$(drain | kv_line backlog_end)
    local gc0; gc0=$(gc_seconds)
    out=$RESULTS/wrk-$V$mode-$run.txt
    wrk -t"$t" -c"$c" -d"${DURATION}s" --latency -s "$HERE/ingest.lua" "$BASE" -- "$mode" "$STORE_ID" "$API_KEY" \
      "$CUSTOMERS" "$MIX" "$BATCH" >"$out" 2>&1 &
    local wrk_pid=$!
    sleep 1
    cpu_mark "$wrk_pid"
    if [ "$run" = 1 ]; then profile_start "ingest-$V$mode" $((DURATION - 3)); pg_perf_start "ingest-$V$mode" $((DURATION - 3)); fi
    sleep $((DURATION / 2 - 1))
    top -b -n1 -w 200 | head -25 >"$RESULTS/top-$V$mode-$run.txt"
    sleep $((DURATION - DURATION / 2 - 1))
    local split; split=$(cpu_split "$wrk_pid")
    wait "$wrk_pid" || true
    local gc1; gc1=$(gc_seconds)
    dr=$(drain)
    ev=$(grep '^RESULT' "$out" | kv events)
    secs=$(grep '^RESULT' "$out" | kv duration_s)
    # evaluated while ingesting: acked, less what was still waiting for the evaluators at the end
    local during; during=$(awk -v e="$ev" -v p="$pre" -v b="$(echo " $dr" | kv backlog_start)" -v s="$secs" \
      'BEGIN{printf "%.0f", (e + p - b) / s}')
    local sustained; sustained=$(awk -v e="$ev" -v s="$secs" -v d="$(echo " $dr" | kv s)" -v left="$(echo " $dr" | kv backlog_end)" \
      'BEGIN{ if (left > 0) print "not_drained"; else printf "%.0f", e / (s + d) }')
    if [ "$run" = 1 ]; then profile_report "ingest-$V$mode"; pg_perf_report "ingest-$V$mode"; fi
    record "ingest_$V$mode	$run	$(grep '^RESULT' "$out" | sed 's/^RESULT //') backlog_before=$pre $(echo "$dr" | sed 's/^s=/drain_s=/') evaluated_during_run_eps=$during evaluated_eps=$sustained gc_s=$(awk -v a="$gc0" -v b="$gc1" 'BEGIN{printf "%.2f", b-a}') $split $QUIET_NOTE"
  done
}

latency() { # rate
  local rate=$1 run out
  for run in $(seq "$RUNS"); do
    wait_quiet
    log "latency ${V}run $run/$RUNS: $rate events/s for ${LAT_DURATION}s (first ${LAT_WARMUP}s not counted) ($QUIET_NOTE)"
    out=$RESULTS/latency-$V$rate-$run.txt
    java -cp "$JAR" "$HERE/LatencyLoad.java" 127.0.0.1 "$HTTP_PORT" "$STORE_ID" "$API_KEY" "$PG_PORT" "$CUSTOMERS" \
      "$rate" "$LAT_DURATION" "$LAT_WARMUP" "$MIX" "$PROBE_PCT" >"$out" 2>&1 &
    local gen=$!
    # measure CPU over the middle of the run (after the generator compiled itself and warmed up)
    sleep $((LAT_WARMUP + 3))
    cpu_mark "$gen"
    if [ "$run" = 1 ]; then profile_start "latency-$V$rate" $(( (LAT_DURATION - LAT_WARMUP) / 2 )); fi
    sleep $(( (LAT_DURATION - LAT_WARMUP) / 2 ))
    top -b -n1 -w 200 | head -25 >"$RESULTS/top-latency-$V$rate-$run.txt"
    local split; split=$(cpu_split "$gen")
    wait "$gen"
    while read -r line; do
      case "$line" in
        LATENCY*|INGEST*|RUN*|WEBHOOK*) record "latency_$V$rate	$run	$line $QUIET_NOTE" ;;
        WARN*) log "  $line" ;;
      esac
    done <"$out"
    record "latency_cpu_$V$rate	$run	$split"
    if [ "$run" = 1 ]; then profile_report "latency-$V$rate"; fi
  done
}

sql_compare() {
  wait_quiet
  log "SQL comparison: $SQL_THREADS connections, ${SQL_DURATION}s per mode ($QUIET_NOTE)"
  java -cp "$JAR" "$HERE/SqlCompare.java" "$PG_PORT" "$STORE_ID" "$CUSTOMERS" "$MIX" "$SQL_DURATION" "$SQL_THREADS" \
    >"$RESULTS/sql-compare.txt" 2>&1
  while read -r line; do
    case "$line" in SQLCMP*) record "sql	1	${line#SQLCMP } $QUIET_NOTE" ;; esac
  done <"$RESULTS/sql-compare.txt"
}

memory() { # label customers
  local used per
  used=$(heap_used_kb)
  per=$(awk -v u="$used" -v e="$EMPTY_KB" -v n="$2" 'BEGIN{printf "%.0f", (u-e)*1024/n}')
  jcmd "$SHOAL_PID" GC.class_histogram 2>/dev/null | head -25 >"$RESULTS/histogram-$1.txt" || true
  record "memory	$1	customers=$2 heap_used_kb=$used empty_kb=$EMPTY_KB bytes_per_customer=$per"
}

backfill() { # label rules_json
  local run out
  for run in $(seq "$RUNS"); do
    wait_quiet
    out=$(java -cp "$JAR" "$HERE/Segments.java" backfill "$BASE" "$STORE_ID" "$API_KEY" "bench-backfill-$1-$run" "$2")
    record "backfill_$1	$run	${out#BACKFILL } rules=$2 $QUIET_NOTE"
  done
}

# --- main -------------------------------------------------------------------------------------

log "results in $RESULTS"
{
  echo "date: $(date -u +%FT%TZ)"
  echo "commit: $(git -C "$ROOT" rev-parse --short HEAD) ($(git -C "$ROOT" rev-parse --abbrev-ref HEAD))"
  echo "machine: $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GB", $2/1048576}' /proc/meminfo), $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)"
  echo "kernel: $(uname -r); java: $(java -version 2>&1 | head -1); wrk: $(wrk -v 2>&1 | head -1 | cut -c1-60)"
  echo "params: CUSTOMERS=$CUSTOMERS SEGMENTS=$SEGMENTS BIG_CUSTOMERS=$BIG_CUSTOMERS RUNS=$RUNS DURATION=$DURATION"
  echo "        WARMUP=$WARMUP CONNS=$CONNS THREADS=$THREADS BATCH=$BATCH BATCH_CONNS=$BATCH_CONNS MIX=$MIX"
  echo "        LAT_RATES=$LAT_RATES LAT_DURATION=$LAT_DURATION WEBHOOKS=$WEBHOOKS PROBE_PCT=$PROBE_PCT SQL_THREADS=$SQL_THREADS STEPS=$STEPS"
  echo "        DRAIN_MAX=$DRAIN_MAX DURABLE_RUNS=$DURABLE_RUNS DURABLE_LAT_RATE=$DURABLE_LAT_RATE JAVA_OPTS=${JAVA_OPTS:-}"
} | tee "$RESULTS/env.txt" >&2

if [ "$SKIP_BUILD" = 0 ]; then
  log "building target/shoal.jar"
  (cd "$ROOT" && mvn -B -q -o package -DskipTests)
fi

# 1. The small data set: CUSTOMERS customers with history, SEGMENTS dynamic segments.
DATA_DIR=$WORK_DIR/data-small
STORE_FILE=$DATA_DIR/bench-store.env
if [ "$REUSE_DATA" = 1 ] && [ -f "$STORE_FILE" ] && grep -qx "CUSTOMERS=$CUSTOMERS SEGMENTS=$SEGMENTS" "$STORE_FILE"; then
  STORE_ID=$(sed -n 's/^STORE_ID=//p' "$STORE_FILE")
  API_KEY=$(sed -n 's/^API_KEY=//p' "$STORE_FILE")
  log "reusing the data set of $STORE_FILE (store $STORE_ID); memory and idle CPU not measured"
  KEEP_DATA=1
  start_shoal small-segments
else
rm -rf "$DATA_DIR"
start_shoal empty
EMPTY_KB=$(heap_used_kb)
record "memory	empty	heap_used_kb=$EMPTY_KB"
create_store
enable_pg_stat_statements
log "seeding $CUSTOMERS customers with their history into store $STORE_ID"
java -cp "$JAR" "$HERE/Seed.java" "$PG_PORT" "$STORE_ID" "$CUSTOMERS" --seed "$SEED" --history 2>&1 | tee -a "$RESULTS/seed.log" >&2
stop_shoal
start_shoal small-customers
psql_q "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" >/dev/null
record "embedded	pg	$(psql_q "SELECT string_agg(name || '=' || setting, ' ') FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit', 'full_page_writes', 'wal_sync_method', 'shared_buffers')")"
memory small-no-segments "$CUSTOMERS"
log "creating $SEGMENTS dynamic segments"
out=$(java -cp "$JAR" "$HERE/Segments.java" create "$BASE" "$STORE_ID" "$API_KEY" "$PG_PORT" "$SEGMENTS" "$SEED" | tee -a "$RESULTS/segments.log" | grep '^SEGMENTS')
record "segments	1	${out#SEGMENTS }"
# vacuumed and analyzed once here, so that every run on this data (and every copy of it) starts without the
# autovacuum's first pass over what seeding and the segments' sync wrote (5-20 s of it fell inside the runs)
t0=$(now_ms); psql_q "VACUUM (ANALYZE)"; log "VACUUM (ANALYZE) of the seeded data: $(( $(now_ms) - t0 )) ms"
stop_shoal
printf 'CUSTOMERS=%s SEGMENTS=%s\nSTORE_ID=%s\nAPI_KEY=%s\n' "$CUSTOMERS" "$SEGMENTS" "$STORE_ID" "$API_KEY" >"$STORE_FILE"
start_shoal small-segments
memory small-with-segments "$CUSTOMERS"
idle_cpu small-segments
fi
# Ingest and latency runs address customers by external id and email: resolve each once first. Other steps
# do not need it (at 1M customers it sends 2M events: minutes).
case " $STEPS " in *" ingest "*|*" latency "*) warm_identities ;; esac

case " $STEPS " in *" ingest "*)
  pg_reset_statements
  for mode in $INGEST_MODES; do ingest "$mode"; done
  pg_top_statements ingest
  pg_wal_stats ingest ;;
esac
case " $STEPS " in *" latency "*)
  pg_reset_statements
  for rate in $LAT_RATES; do latency "$rate"; done
  pg_top_statements latency
  pg_wal_stats latency ;;
esac
case " $STEPS " in *" sql "*) sql_compare ;; esac
stop_shoal

# 1b. The same data served durably: fsync and synchronous_commit on, so a 202 survives a crash
#     of the machine, not only of Shoal.
case " $STEPS " in *" durable "*)
  start_durable_pg
  start_shoal durable
  V=durable_
  warm_identities
  pg_reset_statements
  RUNS_SAVED=$RUNS; RUNS=$DURABLE_RUNS
  for mode in $INGEST_MODES; do ingest "$mode"; done
  latency "$DURABLE_LAT_RATE"
  RUNS=$RUNS_SAVED
  pg_top_statements durable
  V=
  stop_shoal
  stop_durable_pg ;;
esac

# 2. The big data set: BIG_CUSTOMERS customers (aggregates and orders, no event history), for
#    start-up time, memory per customer and backfill of a new segment.
case " $STEPS " in *" backfill "*)
  DATA_DIR=$WORK_DIR/data-big
  rm -rf "$DATA_DIR"
  start_shoal big-empty
  create_store
  enable_pg_stat_statements
  log "seeding $BIG_CUSTOMERS customers into store $STORE_ID"
  java -cp "$JAR" "$HERE/Seed.java" "$PG_PORT" "$STORE_ID" "$BIG_CUSTOMERS" --seed "$SEED" 2>&1 | tee -a "$RESULTS/seed.log" >&2
  stop_shoal
  wait_quiet
  start_shoal big-customers
  psql_q "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" >/dev/null
  memory big "$BIG_CUSTOMERS"
  pg_reset_statements
  backfill selective '[{"field":"total_spent","operator":"gte","value":2000}]'
  backfill broad '[{"field":"total_orders","operator":"gte","value":1}]'
  backfill broad_time '[{"field":"last_order_at","operator":"within_last","value":"365_days"}]'
  pg_top_statements backfill
  stop_shoal ;;
esac

"$HERE/report.sh" "$RESULTS" | tee "$RESULTS/summary.txt"
log "done: $RESULTS/summary.txt"
