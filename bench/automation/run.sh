#!/usr/bin/env bash
# Automation benchmark: trigger evaluation with many active rules, pending delayed actions held
# (heap, insert and slice-query cost as the table grows), lateness of due actions.
# See bench/automation/README.md.
#
#   bench/automation/run.sh [--skip-build] [--quick]
#
# Parameters (environment, with defaults):
#   RULES=1000 MATCHING=10 EVENTS=20000     active rules, how many match every event, events
#   PENDING=10000000 CHUNK=1000000          pending steps to reach, inserted per chunk
#   DUE=6000 WINDOW=60                      steps due during the lateness run, spread over WINDOW s
#   HEAP=512m                               the JVM's -Xmx (Shoal and the driver share it)
#   WORK_DIR=bench/automation/work          data dir (removed at the end) and results
#   SHOAL_* (e.g. SHOAL_AUTOMATION_SLICE_SIZE) passed to Shoal as usual
#
# Shoal runs inside the benchmark's JVM on an embedded PostgreSQL (fsync on) listening on
# 127.0.0.1 only; it is stopped at the end. Nothing else is started or stopped.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
WORK_DIR=${WORK_DIR:-$ROOT/bench/automation/work}
for arg in "$@"; do
  case "$arg" in
    --skip-build) SKIP_BUILD=1 ;;
    --quick) export RULES=${RULES:-100} EVENTS=${EVENTS:-5000} PENDING=${PENDING:-200000} CHUNK=${CHUNK:-100000} DUE=${DUE:-1000} WINDOW=${WINDOW:-5} ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    *) echo "unknown argument: $arg" >&2; exit 2 ;;
  esac
done
if [[ -z "${SKIP_BUILD:-}" ]]; then
  mvn -B -q -o package -DskipTests
fi
mkdir -p "$WORK_DIR/results"
JAR=$WORK_DIR/shoal-under-test.jar
cp target/shoal.jar "$JAR"
export DATA_DIR=$WORK_DIR/data
rm -rf "$DATA_DIR"
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
RESULTS=$WORK_DIR/results/automation-$STAMP.jsonl
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg); results in $RESULTS" >&2
java -Xmx"${HEAP:-512m}" -XX:+UseG1GC -cp "$JAR" bench/automation/AutomationBench.java \
  | tee "$WORK_DIR/results/automation-$STAMP.log" | grep '^RESULT ' | sed 's/^RESULT //' | tee "$RESULTS"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
rm -rf "$DATA_DIR"
