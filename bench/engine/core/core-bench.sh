#!/usr/bin/env bash
# The evaluator's CPU per event, without database or HTTP (CoreBench.java), for one or more
# Shoal jars side by side, alternating: bench/engine/core/core-bench.sh JAR [JAR...]
# Environment: CUSTOMERS=30000 SEGMENTS=1000 EVENTS=20000 ROUNDS=5 SEED=42 PAIRS=2, and CoreBench's own
# PROFILES=1 METRICS=1 MEMORY=0 (MEMORY=1 adds the live heap per customer and its top classes)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
CUSTOMERS="${CUSTOMERS:-30000}" SEGMENTS="${SEGMENTS:-1000}" EVENTS="${EVENTS:-20000}" ROUNDS="${ROUNDS:-5}"
SEED="${SEED:-42}" PAIRS="${PAIRS:-2}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
java -cp "$1" "$here/../Segments.java" print "$SEGMENTS" "$SEED" > "$work/segments.txt"
i=0
for jar in "$@"; do
  mkdir -p "$work/out$i"
  javac -nowarn -d "$work/out$i" -cp "$jar" "$here/CoreBench.java"
  i=$((i + 1))
done
for pair in $(seq 1 "$PAIRS"); do
  i=0
  for jar in "$@"; do
    echo "== $jar (pass $pair, load $(cut -d' ' -f1 /proc/loadavg))"
    java -Xmx4g -cp "$work/out$i:$jar" io.shoal.segment.eval.CoreBench "$work/segments.txt" "$CUSTOMERS" "$EVENTS" "$SEED" "$ROUNDS"
    i=$((i + 1))
  done
done
