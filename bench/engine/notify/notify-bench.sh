#!/usr/bin/env bash
# The JVM CPU of the evaluator's batch writing outside its decisions (NotifyBench.java: persist +
# wake against a fake connection, per flip) and of one metrics refit (StoreModel.fit), for Shoal
# jars side by side, alternating: bench/engine/notify/notify-bench.sh JAR [JAR...]
# Environment: CUSTOMERS=30000 EVENTS=20000 BATCH=200 ROUNDS=6 SEED=42 PAIRS=3 FITS=4 MODE=both|notify|refit
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
CUSTOMERS="${CUSTOMERS:-30000}" EVENTS="${EVENTS:-20000}" BATCH="${BATCH:-200}" ROUNDS="${ROUNDS:-6}"
SEED="${SEED:-42}" PAIRS="${PAIRS:-3}" FITS="${FITS:-4}" MODE="${MODE:-both}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
i=0
for jar in "$@"; do
  mkdir -p "$work/out$i"
  javac -nowarn -d "$work/out$i" -cp "$jar" "$here/NotifyBench.java"
  i=$((i + 1))
done
for pair in $(seq 1 "$PAIRS"); do
  i=0
  for jar in "$@"; do
    if [ "$MODE" != refit ]; then
      echo "== notify $jar (pass $pair, load $(cut -d' ' -f1 /proc/loadavg))"
      java -Xmx2g -cp "$work/out$i:$jar" io.shoal.segment.eval.NotifyBench notify "$CUSTOMERS" "$EVENTS" "$BATCH" "$SEED" "$ROUNDS" \
        | grep -v '^\[' | tee -a "$work/notify$i.txt"
    fi
    if [ "$MODE" != notify ]; then
      echo "== refit $jar (pass $pair, load $(cut -d' ' -f1 /proc/loadavg))"
      java -Xmx2g -cp "$work/out$i:$jar" io.shoal.segment.eval.NotifyBench refit "$CUSTOMERS" "$SEED" "$FITS" \
        | grep -v '^\[' | tee -a "$work/refit$i.txt"
    fi
    i=$((i + 1))
  done
done
# Each jar's median over every pass's rounds but the first (JIT warm-up)
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR) printf "%.1f (%d rounds)", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2, NR }'; }
i=0
for jar in "$@"; do
  if [ -f "$work/notify$i.txt" ]; then
    echo "median $jar: notify $(sed -n 's/^round=[1-9][0-9]* cpu_ns_per_flip=\([0-9.]*\).*/\1/p' "$work/notify$i.txt" | median) ns CPU per flip,"\
      "$(sed -n 's/^round=[1-9][0-9]* .*cpu_us_per_event=\([0-9.]*\).*/\1/p' "$work/notify$i.txt" | median) us per event"
  fi
  if [ -f "$work/refit$i.txt" ]; then
    echo "median $jar: refit $(sed -n 's/^round=[1-9][0-9]* cpu_ms_per_fit=\([0-9.]*\).*/\1/p' "$work/refit$i.txt" | median) ms CPU per fit;"\
      "models: $(sed -n 's/.* model=\(.*\)/\1/p' "$work/refit$i.txt" | sort -u | wc -l) distinct"
  fi
  i=$((i + 1))
done
