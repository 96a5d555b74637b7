#!/usr/bin/env bash
# Summarises the CPU samples of a JFR recording: where Shoal's threads spent their time.
#   bench/engine/jfr-top.sh FILE.jfr [N]
# Prints the N (default 25) most frequent top frames (self time) and the most frequent Shoal
# methods anywhere on the stack (inclusive time), each with its share of all samples.
# UNDER=REGEX keeps only the samples with a frame matching it (e.g. core/core-bench.sh's rounds:
# UNDER='PartitionCore\.(apply|runDueChecks|takePending)$', leaving out the loading and the sync).
set -euo pipefail
N=${2:-25}
jfr print --stack-depth 64 --events jdk.ExecutionSample "$1" | awk -v n="$N" -v under="${UNDER:-}" '
  function flush() {
    if (top != "" && (under == "" || kept)) {
      samples++; self[top]++
      for (f in seen) incl[f]++
    }
  }
  /jdk.ExecutionSample/ { flush(); top = ""; kept = 0; delete seen; next }
  /^[[:space:]]+[a-zA-Z_$][a-zA-Z0-9_$.<>]*\(.*line:/ {
    f = $1; sub(/\(.*/, "", f)
    if (top == "") { top = f }
    if (under != "" && f ~ under) { kept = 1 }
    if (f ~ /^io\.shoal\./) { seen[f] = 1 }
  }
  END {
    flush()
    printf "samples: %d\n\nself (top frame):\n", samples
    for (f in self) printf "%7.1f%%  %s\n", 100 * self[f] / samples, f | "sort -rn | head -" n
    close("sort -rn | head -" n)
    printf "\ninclusive (io.shoal methods on the stack):\n"
    for (f in incl) printf "%7.1f%%  %s\n", 100 * incl[f] / samples, f | "sort -rn | head -" n
  }'
