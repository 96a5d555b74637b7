#!/usr/bin/env bash
# Storefront tracking benchmark (issue 22): events/s through the publishable-key browser path
# (CORS, consent, rate limiting, anonymous visitors) beside the secret-key batch path, in one
# run, in alternating rounds. See bench/tracking/README.md.
#
#   bench/tracking/run.sh [--skip-build] [--jar PATH]
#
# Parameters (environment, with defaults):
#   VISITORS=2000 BATCH=10            distinct visitors; events per request
#   REQUESTS=3000 WARMUP=500 ROUNDS=3 requests per case and round; warm-up requests
#   CONCURRENCY=8                     closed loops per case
#   HEAP=768m                         the JVM's -Xmx (Shoal and the load generator share it)
#   WORK_DIR=bench/tracking/work      data dir (removed at the end) and results
# --jar runs the same benchmark on another build (a baseline: main before this work has only the
# secret path, which it then measures alone).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
WORK_DIR=${WORK_DIR:-$ROOT/bench/tracking/work}
JAR_IN=target/shoal.jar
while [[ $# -gt 0 ]]; do
  case "$1" in
    --skip-build) SKIP_BUILD=1 ;;
    --jar) JAR_IN=$2; SKIP_BUILD=1; shift ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
  shift
done
if [[ -z "${SKIP_BUILD:-}" ]]; then
  mvn -B -q -o package -DskipTests
fi
mkdir -p "$WORK_DIR/results"
JAR=$WORK_DIR/shoal-under-test-$$.jar
cp "$JAR_IN" "$JAR"
export DATA_DIR=$WORK_DIR/data-$$
rm -rf "$DATA_DIR"
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
RESULTS=$WORK_DIR/results/tracking-$STAMP.jsonl
echo "jar $JAR_IN; load before: $(cut -d' ' -f1-3 /proc/loadavg); results in $RESULTS" >&2
java -Xmx"${HEAP:-768m}" -XX:+UseG1GC -cp "$JAR" bench/tracking/TrackingBench.java \
  | tee "$WORK_DIR/results/tracking-$STAMP.log" | grep '^RESULT ' | sed 's/^RESULT //' | tee "$RESULTS"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
rm -rf "$DATA_DIR" "$JAR"
