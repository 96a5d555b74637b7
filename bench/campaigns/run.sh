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
source "$ROOT/bench/lib/server.sh"
HTTP_PORT=${HTTP_PORT:-$(free_port)}
WORK_DIR=${WORK_DIR:-$ROOT/bench/campaigns/work}
mkdir -p "$WORK_DIR/logs" "$WORK_DIR/results"

if [[ "${1:-}" != "--skip-build" ]]; then
  mvn -B -q -o package -DskipTests
fi
JAR=$WORK_DIR/shoal-under-test.jar
cp target/shoal.jar "$JAR"

STAMP=$(date -u +%Y%m%dT%H%M%SZ)
RESULTS=$WORK_DIR/results/campaigns-$STAMP.jsonl
for run in $(seq 1 "$RUNS"); do
  DATA=$WORK_DIR/data-$run
  LOG=$WORK_DIR/logs/server-$STAMP-$run.log
  start_server "$DATA" "$LOG" SHOAL_DELIVERY_RATE_PUSH="${SHOAL_DELIVERY_RATE_PUSH:-1}"
  echo "run $run/$RUNS: load $(cut -d' ' -f1-3 /proc/loadavg), $RECIPIENTS recipients, $FIRINGS firings" >&2
  java -cp "$JAR" bench/campaigns/CampaignBench.java "http://127.0.0.1:$HTTP_PORT" "$ADMIN" "$RECIPIENTS" "$FIRINGS" \
    | grep '^RESULT ' | sed 's/^RESULT //' | tee -a "$RESULTS"
  stop_server
  rm -rf "$DATA"
done
echo "results: $RESULTS" >&2
