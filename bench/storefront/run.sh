#!/usr/bin/env bash
# Storefront benchmark (issue 18): coupon validation and a customer's segment items with 1,000
# segments' worth of assignments at 100,000 customers. See bench/storefront/README.md.
#
#   bench/storefront/run.sh [--skip-build] [--quick]
#
# Parameters (environment, with defaults):
#   CUSTOMERS=100000 SEGMENTS=1000 ITEMS=10   customers, static segments, items assigned per segment
#   HEAVY=100 LIGHT=5                         customers in every segment; segments of every other customer
#   CATEGORIES=1000 PRODUCTS=20000            the catalog
#   REQUESTS=2000 WARMUP=500 CONCURRENCY=1,4  per case and concurrency
#   HEAP=768m                                 the JVM's -Xmx (Shoal and the load generator share it)
#   ROUNDS=1                                  after one seeding, measure every case ROUNDS times
#   CASES=                                    only these cases (comma-separated names; empty: all)
#   SHOAL_JAR=target/shoal.jar                the server under test (a baseline's jar for a side-by-side run)
#   LABEL=                                    added to the results' file names (e.g. baseline, new)
#   HOLD=0                                    seconds to keep the seeded server up before measuring (profiling)
#   JAVA_OPTS=                                more options for the benchmark's JVM (e.g. a JFR recording)
#   WORK_DIR=bench/storefront/work            data dir (removed at the end) and results
#
# Shoal runs inside the benchmark's JVM on an embedded PostgreSQL (fsync on) listening on
# 127.0.0.1 only; it is stopped at the end. Nothing else is started or stopped.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
WORK_DIR=${WORK_DIR:-$ROOT/bench/storefront/work}
for arg in "$@"; do
  case "$arg" in
    --skip-build) SKIP_BUILD=1 ;;
    --quick) export CUSTOMERS=${CUSTOMERS:-10000} REQUESTS=${REQUESTS:-300} WARMUP=${WARMUP:-100} ;;
    -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
    *) echo "unknown argument: $arg" >&2; exit 2 ;;
  esac
done
if [[ -z "${SKIP_BUILD:-}" ]]; then
  mvn -B -q -o package -DskipTests
fi
mkdir -p "$WORK_DIR/results"
STAMP=$(date -u +%Y%m%dT%H%M%SZ)${LABEL:+-$LABEL}
JAR=$WORK_DIR/shoal-under-test-$STAMP.jar
cp "${SHOAL_JAR:-target/shoal.jar}" "$JAR"
export DATA_DIR=$WORK_DIR/data-$STAMP
rm -rf "$DATA_DIR"
RESULTS=$WORK_DIR/results/storefront-$STAMP.jsonl
echo "jar ${SHOAL_JAR:-target/shoal.jar} (bench at $(git rev-parse --short HEAD)); load before: $(cut -d' ' -f1-3 /proc/loadavg); results in $RESULTS" >&2
java -Xmx"${HEAP:-768m}" -XX:+UseG1GC ${JAVA_OPTS:-} -cp "$JAR" bench/storefront/StorefrontBench.java \
  | tee "$WORK_DIR/results/storefront-$STAMP.log" | grep '^RESULT ' | sed 's/^RESULT //' | tee "$RESULTS"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
rm -rf "$DATA_DIR" "$JAR"
