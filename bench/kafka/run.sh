#!/usr/bin/env bash
# Kafka mode on one machine (issue 15): ingest and evaluation with the PostgreSQL event log and
# with 1, 2 and 3 Kafka-mode nodes, CPU per event of each, and the takeover after a SIGKILL.
# See bench/kafka/README.md.
#
#   bench/kafka/run.sh [--skip-build]
#
# Environment (defaults): SETUPS="pglog kafka-1 kafka-2 kafka-3" ROUNDS=1 CUSTOMERS=1000
#   SEGMENTS=20 CONC=32 DURATION=20 WARMUP=5 PARTITIONS=6
# The broker (Apache Kafka, KRaft) and PostgreSQL are started from the jars and binaries Maven
# resolved for the tests (nothing installed by hand); every process started here is stopped at
# the end. Results: bench/kafka/results/<UTC time>.tsv
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ "${1:-}" != "--skip-build" ]; then
  mvn -B -q -o package -DskipTests -Djacoco.skip=true || mvn -B -q package -DskipTests -Djacoco.skip=true
  mvn -B -q -o test-compile -Djacoco.skip=true
fi
# offline first; a fresh ~/.m2 lacks the dependency plugin's own dependencies
mvn -B -q -o dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt >/dev/null 2>&1 || mvn -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt >/dev/null
mkdir -p bench/kafka/results
OUT=${OUT:-bench/kafka/results/$(date -u +%Y%m%dT%H%M%SZ).tsv}
export OUT
java -Xmx1g -cp "target/classes:target/test-classes:$(cat target/bench-classpath.txt)" bench/kafka/KafkaBench.java
echo "results: $OUT"
