#!/usr/bin/env bash
# The HTTP layer of two builds side by side (bench/README.md, eighth pass): get by id at 8 and 64
# connections next to the bare Vert.x ceiling, durable single-event ingest and create at 64.
#
#   bench/http-side-by-side.sh BASE_JAR NEW_JAR
#
# Both servers run at once, each on its own embedded PostgreSQL (fsync and synchronous_commit on,
# Shoal's default) with CUSTOMERS customers seeded by bench/engine/Seed.java and no segments; the
# load goes to one of them at a time, alternating the order every round. Every run is bounded.
# Environment: CUSTOMERS=20000 ROUNDS=3 DURATION=10 WARMUP=3 THREADS=2
#   SCENARIOS="ceiling get8 get64 ingest64 create64" (ceiling8/ceiling64: the ceiling at 8 or 64 connections;
#   ceiling is ceiling64)  JFR=0 (1: after the rounds, one profiled run
#   of each Shoal scenario per jar, summarised by bench/engine/jfr-top.sh)
#   WORK_DIR=bench/work-http  (data dirs, logs, results/<UTC time>/raw.tsv; data deleted at the end)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
BASE_JAR=$(realpath "$1")
NEW_JAR=$(realpath "$2")
CUSTOMERS=${CUSTOMERS:-20000}
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-3}
THREADS=${THREADS:-2}
SCENARIOS=${SCENARIOS:-"ceiling get8 get64 ingest64 create64"}
JFR=${JFR:-0}
WORK_DIR=$(realpath -m "${WORK_DIR:-$ROOT/bench/work-http}")
RESULTS=$WORK_DIR/results/$(date -u +%Y%m%d-%H%M%S)
mkdir -p "$RESULTS"
RAW=$RESULTS/raw.tsv
ADMIN_KEY=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }
command -v wrk >/dev/null || { log "installing wrk"; apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }

declare -A PID PORT PGPORT STORE KEY JAR
JAR[base]=$BASE_JAR
JAR[new]=$NEW_JAR
CEILING_PID=
CEILING_PORT=$(free_port)

# shellcheck source=lib/server.sh
source "$ROOT/bench/lib/server.sh" # stop_pid (the traps below replace its own)
cleanup() {
  stop_pid "$CEILING_PID"
  for side in base new; do stop_pid "${PID[$side]:-}"; done
  rm -rf "$WORK_DIR"/data-base "$WORK_DIR"/data-new
}
trap cleanup EXIT
trap 'exit 130' INT TERM

start() { # side
  local side=$1
  cp "${JAR[$side]}" "$WORK_DIR/$side.jar"
  SHOAL_HTTP_HOST=127.0.0.1 SHOAL_HTTP_PORT=${PORT[$side]} SHOAL_DATA_DIR=$WORK_DIR/data-$side \
    SHOAL_EMBEDDED_PG_PORT=${PGPORT[$side]} SHOAL_PG_URL= SHOAL_ADMIN_KEY=$ADMIN_KEY \
    java ${JAVA_OPTS:-} -jar "$WORK_DIR/$side.jar" >>"$RESULTS/shoal-$side.log" 2>&1 &
  PID[$side]=$!
  for _ in $(seq 3000); do
    curl -sf -m 5 -o /dev/null "http://127.0.0.1:${PORT[$side]}/health/ready" && return 0
    kill -0 "${PID[$side]}" 2>/dev/null || break
    sleep 0.1
  done
  tail -20 "$RESULTS/shoal-$side.log" >&2
  exit 1
}

for side in base new; do
  PORT[$side]=$(free_port)
  PGPORT[$side]=$(free_port)
  rm -rf "$WORK_DIR/data-$side"
  start "$side"
  res=$(curl -sf -XPOST "http://127.0.0.1:${PORT[$side]}/v1/stores" -H "Authorization: Bearer $ADMIN_KEY" \
    -H 'Content-Type: application/json' -d '{"name":"bench-http"}')
  STORE[$side]=$(echo "$res" | sed 's/.*"id":"\(store_[^"]*\)".*/\1/')
  KEY[$side]=$(echo "$res" | sed 's/.*"api_key":"\([^"]*\)".*/\1/')
  log "seeding $CUSTOMERS customers for $side"
  java -cp "${JAR[$side]}" "$ROOT/bench/engine/Seed.java" "${PGPORT[$side]}" "${STORE[$side]}" "$CUSTOMERS" --seed 42 \
    >>"$RESULTS/seed-$side.log" 2>&1
  stop_pid "${PID[$side]}"
  start "$side"  # the evaluators load the seeded customers at start
  # every customer's identities once, so ingest finds them cached as in steady state (bench/engine)
  for from in $(seq 0 1000 $((CUSTOMERS - 1))); do
    for form in 'external_id":"ext%07d' 'email":"c%07d@bench.example'; do
      awk -v a="$from" -v c="$CUSTOMERS" -v f="$form" 'BEGIN { printf "{\"events\":["
          for (i = a; i < a + 1000 && i < c; i++) { if (i > a) printf ","
            printf "{\"type\":\"page.viewed\",\"customer\":{\"" f "\"},\"data\":{\"url\":\"/warm\"}}", i }
          printf "]}" }' | curl -sf -o /dev/null -XPOST "http://127.0.0.1:${PORT[$side]}/v1/stores/${STORE[$side]}/events/batch" \
        -H "Authorization: Bearer ${KEY[$side]}" -H 'Content-Type: application/json' --data-binary @-
    done
  done
done
awk -v n="$CUSTOMERS" 'BEGIN { for (i = 0; i < n; i++) printf "cust_bench%07d\n", i }' >"$RESULTS/ids.txt"
java -cp "$BASE_JAR" "$ROOT/bench/CeilingServer.java" "$CEILING_PORT" "$(nproc)" >"$RESULTS/ceiling.log" 2>&1 &
CEILING_PID=$!
for _ in $(seq 600); do curl -sf -o /dev/null "http://127.0.0.1:$CEILING_PORT/ceiling" && break; sleep 0.1; done

{
  echo "date=$(date -u +%FT%TZ) host=$(hostname) cores=$(nproc)"
  echo "base=$BASE_JAR new=$NEW_JAR customers=$CUSTOMERS rounds=$ROUNDS duration=$DURATION warmup=$WARMUP threads=$THREADS"
  echo "java=$(java -version 2>&1 | head -1) wrk=$(wrk -v 2>&1 | head -1)"
  echo "start $(uptime)"
} >"$RESULTS/env.txt"

ticks() { local t=0 p; for p in "$@"; do [ -r "/proc/$p/stat" ] && t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done; echo $t; }
descendants() { local p=$1; echo "$p"; for c in $(pgrep -P "$p" 2>/dev/null); do descendants "$c"; done; }

# wrk_run SIDE SCENARIO SECONDS: prints the RESULT line
wrk_run() {
  local side=$1 scenario=$2 secs=$3 url c
  case $scenario in
    ceiling|ceiling8|ceiling64) c=${scenario#ceiling}
               wrk -t"$THREADS" -c"${c:-64}" -d"${secs}s" --timeout 10s -s "$ROOT/bench/wrk/shoal.lua" \
               "http://127.0.0.1:$CEILING_PORT" -- ceiling x x ;;
    get8|get64) wrk -t"$THREADS" -c"${scenario#get}" -d"${secs}s" --timeout 10s -s "$ROOT/bench/wrk/shoal.lua" \
               "http://127.0.0.1:${PORT[$side]}" -- get "${STORE[$side]}" "${KEY[$side]}" "$RESULTS/ids.txt" ;;
    ingest64) wrk -t"$THREADS" -c64 -d"${secs}s" --timeout 10s -s "$ROOT/bench/engine/ingest.lua" \
               "http://127.0.0.1:${PORT[$side]}" -- single "${STORE[$side]}" "${KEY[$side]}" "$CUSTOMERS" \
               "page.viewed:50,cart.updated:20,order.completed:30" ;;
    create64) wrk -t"$THREADS" -c64 -d"${secs}s" --timeout 10s -s "$ROOT/bench/wrk/shoal.lua" \
               "http://127.0.0.1:${PORT[$side]}" -- create "${STORE[$side]}" "${KEY[$side]}" ;;
  esac | grep '^RESULT'
}

measure() { # round side scenario
  local round=$1 side=$2 scenario=$3 target load t0 t1 w0 w1 line hz
  if [ "${scenario#ceiling}" != "$scenario" ]; then target=$CEILING_PID; else target=${PID[$side]}; fi
  [ "$WARMUP" -gt 0 ] && wrk_run "$side" "$scenario" "$WARMUP" >/dev/null
  load=$(cut -d' ' -f1 /proc/loadavg)
  t0=$(ticks $(descendants "$target")); w0=$(date +%s%N)
  line=$(wrk_run "$side" "$scenario" "$DURATION")
  t1=$(ticks $(descendants "$target")); w1=$(date +%s%N)
  hz=$(getconf CLK_TCK)
  printf '%s\t%s\t%s\t%s\tload1=%s\tcpu_shoal_jvm=%s\n' "$round" "$side" "$scenario" "${line#RESULT }" "$load" \
    "$(awk -v a="$t0" -v b="$t1" -v w="$((w1 - w0))" -v hz="$hz" 'BEGIN{printf "%.2f", (b-a)/hz/(w/1e9)}')" | tee -a "$RAW" >&2
}

for round in $(seq "$ROUNDS"); do
  if [ $((round % 2)) = 1 ]; then order="base new"; else order="new base"; fi
  log "round $round ($order), uptime: $(uptime)"
  for scenario in $SCENARIOS; do
    if [ "${scenario#ceiling}" != "$scenario" ]; then measure "$round" - "$scenario"; continue; fi
    for side in $order; do measure "$round" "$side" "$scenario"; done
  done
done

if [ "$JFR" = 1 ]; then
  # the profile settings, sampling every millisecond instead of every 10 ms (more samples per short run)
  JFC=$RESULTS/profile-1ms.jfc
  sed 's#<setting name="period" control="method-sampling-java-interval">10 ms</setting>#<setting name="period" control="method-sampling-java-interval">1 ms</setting>#' \
    "$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")/lib/jfr/profile.jfc" >"$JFC"
  for side in base new; do
    for scenario in $SCENARIOS; do
      [ "${scenario#ceiling}" != "$scenario" ] && continue
      jcmd "${PID[$side]}" JFR.start name="$scenario" settings="$JFC" duration="${DURATION}s" \
        filename="$RESULTS/jfr-$side-$scenario.jfr" >/dev/null
      wrk_run "$side" "$scenario" "$DURATION" >"$RESULTS/jfr-$side-$scenario.wrk"
      sleep 2
      { "$ROOT/bench/engine/jfr-top.sh" "$RESULTS/jfr-$side-$scenario.jfr" 40
        jfr print --json --stack-depth 64 --events jdk.ExecutionSample "$RESULTS/jfr-$side-$scenario.jfr" \
          >"$RESULTS/jfr.json" && python3 "$ROOT/bench/tools/jfr_summary.py" "$RESULTS/jfr.json"
        rm -f "$RESULTS/jfr.json"; } >"$RESULTS/jfr-$side-$scenario.txt" 2>&1 || true
    done
  done
fi
echo "end $(uptime)" >>"$RESULTS/env.txt"
log "results in $RESULTS"
