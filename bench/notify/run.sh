#!/usr/bin/env bash
# Notifications benchmark: latency from event ingestion (202) to webhook receipt and to SSE
# receipt, at a steady rate, with ENDPOINTS webhook endpoints of which one always answers 500.
# See the "Notifications" section of bench/README.md.
#
#   bench/notify/run.sh [--skip-build]
#
# Parameters (environment, with defaults):
#   RATE=5000 SECONDS=20 WARMUP=5 ENDPOINTS=10 RUNS=3   events/s, measured and warm-up seconds per run
#   PRECREATE=1                                          create the 5,000 customers before the load (0: the
#                                                        measured events create them)
#   HTTP_PORT=(a free port)                              loopback port of the server under test
#   WORK_DIR=bench/notify/work                           data dirs, logs and results
#   SHOAL_* (e.g. SHOAL_WEBHOOK_CONCURRENCY), JAVA_OPTS  passed to the server as usual
#
# Each run starts a fresh Shoal (embedded PostgreSQL, new data dir) on 127.0.0.1, loads it for
# WARMUP + SECONDS seconds, lets deliveries drain for at most 10 s, and stops it. Every server
# started here is stopped on exit (also on Ctrl-C or failure).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)

RATE=${RATE:-5000}
SECONDS_MEASURED=${SECONDS:-20}
WARMUP=${WARMUP:-5}
ENDPOINTS=${ENDPOINTS:-10}
RUNS=${RUNS:-3}
source "$ROOT/bench/lib/server.sh"
HTTP_PORT=${HTTP_PORT:-$(free_port)}
WORK_DIR=${WORK_DIR:-$ROOT/bench/notify/work}
mkdir -p "$WORK_DIR/logs" "$WORK_DIR/results"

if [[ "${1:-}" != "--skip-build" ]]; then
  mvn -B -q -o package -DskipTests
fi
JAR=$WORK_DIR/shoal-under-test.jar
cp target/shoal.jar "$JAR"

STAMP=$(date -u +%Y%m%dT%H%M%SZ)
RESULTS=$WORK_DIR/results/notify-$STAMP.jsonl
for run in $(seq 1 "$RUNS"); do
  DATA=$WORK_DIR/data-$run
  LOG=$WORK_DIR/logs/server-$STAMP-$run.log
  start_server "$DATA" "$LOG"
  echo "run $run/$RUNS: load $(cut -d' ' -f1-3 /proc/loadavg), $RATE events/s for ${WARMUP}+${SECONDS_MEASURED} s, $ENDPOINTS endpoints" >&2
  java -cp "$JAR" bench/notify/NotifyBench.java "http://127.0.0.1:$HTTP_PORT" "$ADMIN" "$RATE" \
    "$SECONDS_MEASURED" "$ENDPOINTS" "$WARMUP" | grep '^RESULT ' | sed 's/^RESULT //' | tee -a "$RESULTS"
  stop_server
  rm -rf "$DATA"
done

python3 - "$RESULTS" <<'PY'
import json, statistics, sys
runs = [json.loads(l) for l in open(sys.argv[1])]
def med(path):
    vals = []
    for r in runs:
        v = r
        for p in path.split('.'):
            v = v.get(p, {}) if isinstance(v, dict) else {}
        if isinstance(v, (int, float)):
            vals.append(v)
    return statistics.median(vals) if vals else None
print(f"median of {len(runs)} runs ({sys.argv[1]}):")
for k in ["achieved_rate", "errors", "ack_ms.p50", "ack_ms.p99", "webhook_from_202_ms.p50", "webhook_from_202_ms.p99",
          "webhook_from_202_ms.max", "webhook_missing", "sse_from_202_ms.p50", "sse_from_202_ms.p99", "sse_missing",
          "failing_endpoint_requests"]:
    print(f"  {k:28s} {med(k)}")
PY
