#!/usr/bin/env bash
# Customer metrics benchmark: cost per order event of keeping metrics current (ingest and
# evaluation of the 69,659 CDNOW orders with metrics on and off, side by side) and the time of a
# full refit on the 23,570 CDNOW customers. See bench/metrics/README.md.
#
#   bench/metrics/run.sh [--skip-build]
#
# Parameters (environment): RUNS=3 (runs of each variant, and refits per run), JAVA_OPTS.
# Everything runs in one JVM on 127.0.0.1 with an embedded PostgreSQL per run (temp data dirs,
# removed after each run); nothing else is started or stopped.
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${RUNS:-3}
if [[ "${1:-}" != "--skip-build" ]]; then
  mvn -B -q -o package -DskipTests
fi
mkdir -p bench/metrics/results bench/metrics/work
JAR=bench/metrics/work/shoal-under-test.jar
cp target/shoal.jar "$JAR"
OUT=bench/metrics/results/metrics-$(date -u +%Y%m%dT%H%M%SZ).txt
echo "load before: $(cat /proc/loadavg), $(nproc) cores" | tee "$OUT"
java ${JAVA_OPTS:-} -cp "$JAR" bench/metrics/MetricsBench.java src/test/resources/cdnow/CDNOW_master.txt "$RUNS" \
  2>&1 | grep --line-buffered -v -E '^\S+ (INFO|DEBUG)|^[0-9:.]+ \[' | tee -a "$OUT"
