#!/usr/bin/env bash
# The evaluator's CPU per event, without database or HTTP (CoreBench.java), for one or more
# Shoal jars side by side, alternating: bench/engine/core/core-bench.sh JAR [JAR...]
# Also, apart: the CPU per event of making the changed customers' stored membership lists (memberNums, as
# the batch writer does). Environment: CUSTOMERS=30000 SEGMENTS=1000 EVENTS=20000 ROUNDS=5 SEED=42 PAIRS=2, and
# CoreBench's own
# PROFILES=1 METRICS=1 MEMORY=0 (MEMORY=1 adds the live heap per customer and its top classes).
# CHECKS=1: after the rounds, the time checks alone (overdue after OVERDUE_DAYS=2 down, then DAYS=30 in steps of
# STEP_MINUTES=60): CPU per check, longest slice, flips and the memberships' hash (twenty-seventh pass, checks27).
# JFR=1: each run records a CPU profile and prints its summary for the rounds alone (../jfr-top.sh
# with UNDER=, the loading and the segments' sync left out).
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
    jfr=()
    if [ "${JFR:-0}" = 1 ]; then
      jfr=(-XX:StartFlightRecording=filename="$work/run$i-$pair.jfr",settings=profile)
    fi
    java -Xmx4g "${jfr[@]}" -cp "$work/out$i:$jar" io.shoal.segment.eval.CoreBench "$work/segments.txt" "$CUSTOMERS" "$EVENTS" "$SEED" "$ROUNDS" \
      | grep -v '^\[' | tee -a "$work/out$i.txt" # (JFR's own start lines left out)
    if [ "${JFR:-0}" = 1 ]; then
      UNDER='PartitionCore\.(apply|runDueChecks|takePending)$' "$here/../jfr-top.sh" "$work/run$i-$pair.jfr" 30
    fi
    i=$((i + 1))
  done
done
# The median CPU per event of each jar over every pass's rounds but the first (JIT warm-up)
i=0
for jar in "$@"; do
  sed -n 's/^round=\([1-9][0-9]*\) cpu_us_per_event=\([0-9.]*\).*/\2/p' "$work/out$i.txt" | sort -n \
    | awk -v jar="$jar" '{ v[NR] = $1 } END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2;
        printf "median %s: %.1f us CPU per event over %d rounds (first round of each pass left out)\n", jar, m, NR }'
  sed -n 's/^lists round=\([1-9][0-9]*\) member_nums_us_per_event=\([0-9.]*\) member_lists_per_event=\([0-9.]*\).*/\2 \3/p' \
    "$work/out$i.txt" | sort -n | awk -v jar="$jar" '{ v[NR] = $1; l[NR] = $2 } END { if (NR) { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2;
        printf "median %s: %.2f us CPU per event making stored membership lists (memberNums, %.2f lists per event; not in the figure above)\n", jar, m, l[1] } }'
  i=$((i + 1))
done
