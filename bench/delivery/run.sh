#!/usr/bin/env bash
# Delivery benchmark: messages per minute through the delivery dispatcher to a local HTTP
# provider (push channel) and to a local SMTP sink (email channel), RECIPIENTS each.
#
#   bench/delivery/run.sh [--skip-build]
#
# Parameters (environment, with defaults):
#   RECIPIENTS=100000 CONCURRENCY=256 RUNS=3   messages per channel, SHOAL_DELIVERY_CONCURRENCY, runs
#   WORK_DIR=bench/delivery/work               data dirs and results
#   SHOAL_*, JAVA_OPTS                         passed to the server as usual
#
# Each run starts a fresh in-process Shoal (embedded PostgreSQL, new data dir), seeds the
# customers by SQL, queues the messages through MessageQueue (not yet due), makes them all due
# at once and times until every one is recorded 'sent'. Prints the median of the runs.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
RECIPIENTS=${RECIPIENTS:-100000}
CONCURRENCY=${CONCURRENCY:-256}
RUNS=${RUNS:-3}
WORK_DIR=${WORK_DIR:-$ROOT/bench/delivery/work}
mkdir -p "$WORK_DIR/results"
if [[ "${1:-}" != "--skip-build" ]]; then
  mvn -B -q -o package -DskipTests
fi
JAR=$WORK_DIR/shoal-under-test.jar
cp target/shoal.jar "$JAR"

STAMP=$(date -u +%Y%m%dT%H%M%SZ)
RESULTS=$WORK_DIR/results/delivery-$STAMP.jsonl
for run in $(seq 1 "$RUNS"); do
  rm -rf "$WORK_DIR/run"
  echo "run $run/$RUNS: load $(cut -d' ' -f1-3 /proc/loadavg), $RECIPIENTS recipients, concurrency $CONCURRENCY" >&2
  java ${JAVA_OPTS:-} -cp "$JAR" bench/delivery/DeliveryBench.java "$RECIPIENTS" "$CONCURRENCY" "$WORK_DIR/run" \
    | grep '^RESULT ' | sed 's/^RESULT //' | tee -a "$RESULTS"
  rm -rf "$WORK_DIR/run"
done

python3 - "$RESULTS" <<'PY'
import json, statistics, sys
runs = [json.loads(l) for l in open(sys.argv[1])]
for channel in ("push", "email"):
    rs = [r for r in runs if r["channel"] == channel]
    if not rs:
        continue
    print(f"{channel}: median {statistics.median(r['messages_per_minute'] for r in rs):,.0f} messages/min "
          f"over {len(rs)} runs (each {rs[0]['recipients']:,} recipients; runs: "
          + ", ".join(f"{r['messages_per_minute']:,}" for r in rs) + ")")
PY
