#!/usr/bin/env bash
# Campaign scheduler benchmark: firing lateness, queueing rate for RECIPIENTS recipients, and the
# analytics call's latency on that campaign. See bench/campaigns/README.md.
#
#   bench/campaigns/run.sh [--skip-build]
#
# Parameters (environment, with defaults):
#   RECIPIENTS=100000 FIRINGS=5 RUNS=1    recipients of the big campaign, campaigns timed for lateness
#   HTTP_PORT=(a free port)               loopback port of the server under test
#   WORK_DIR=bench/campaigns/work         data dir, logs and results
#   SHOAL_* (e.g. SHOAL_CAMPAIGN_PAGE_SIZE), JAVA_OPTS   passed to the server as usual
#
# Each run starts a fresh Shoal (embedded PostgreSQL, new data dir) on 127.0.0.1 with push
# rate-limited to 1 message/s (so that the dispatcher stays out of the queueing figure), runs
# CampaignBench against it, and stops it. The server is stopped on exit (also on Ctrl-C).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)

RECIPIENTS=${RECIPIENTS:-100000}
FIRINGS=${FIRINGS:-5}
RUNS=${RUNS:-1}
HTTP_PORT=${HTTP_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
WORK_DIR=${WORK_DIR:-$ROOT/bench/campaigns/work}
mkdir -p "$WORK_DIR/logs" "$WORK_DIR/results"

if [[ "${1:-}" != "--skip-build" ]]; then
  mvn -B -q -o package -DskipTests
fi
JAR=$WORK_DIR/shoal-under-test.jar
cp target/shoal.jar "$JAR"

SERVER_PID=
stop_server() {
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID"
    for _ in $(seq 1 300); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$SERVER_PID" 2>/dev/null && kill -KILL "$SERVER_PID"
  fi
  SERVER_PID=
}
trap stop_server EXIT INT TERM

STAMP=$(date -u +%Y%m%dT%H%M%SZ)
RESULTS=$WORK_DIR/results/campaigns-$STAMP.jsonl
for run in $(seq 1 "$RUNS"); do
  DATA=$WORK_DIR/data-$run
  rm -rf "$DATA"
  ADMIN=wk_admin_bench_$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
  LOG=$WORK_DIR/logs/server-$STAMP-$run.log
  SHOAL_DATA_DIR=$DATA SHOAL_HTTP_HOST=127.0.0.1 SHOAL_HTTP_PORT=$HTTP_PORT SHOAL_ADMIN_KEY=$ADMIN \
    SHOAL_DELIVERY_RATE_PUSH=${SHOAL_DELIVERY_RATE_PUSH:-1} \
    java ${JAVA_OPTS:-} -jar "$JAR" >"$LOG" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 600); do
    grep -q "Shoal listening" "$LOG" 2>/dev/null && curl -fs "http://127.0.0.1:$HTTP_PORT/health/ready" >/dev/null 2>&1 && break
    kill -0 "$SERVER_PID" 2>/dev/null || { echo "server died, see $LOG" >&2; exit 1; }
    sleep 0.1
  done
  echo "run $run/$RUNS: load $(cut -d' ' -f1-3 /proc/loadavg), $RECIPIENTS recipients, $FIRINGS firings" >&2
  java -cp "$JAR" bench/campaigns/CampaignBench.java "http://127.0.0.1:$HTTP_PORT" "$ADMIN" "$RECIPIENTS" "$FIRINGS" \
    | grep '^RESULT ' | sed 's/^RESULT //' | tee -a "$RESULTS"
  stop_server
  rm -rf "$DATA"
done
echo "results: $RESULTS" >&2
