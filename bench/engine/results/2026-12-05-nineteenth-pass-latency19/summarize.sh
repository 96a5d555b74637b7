#!/usr/bin/env bash
# One line per run and rate from ab.log: side, start, load1 before the run, acked/s, 202 -> recorded p50/p99,
# 202 -> committed p50/p99 (ms), Shoal's and PostgreSQL's cores over run.sh's CPU window.
LOG=${1:-$(dirname "$0")/ab-log.txt}
awk '
  function kv(s, k) { if (match(s, k "=[-0-9.]+")) return substr(s, RSTART + length(k) + 1, RLENGTH - length(k) - 1); return "" }
  /^=== (base|new[0-9]*)/ { side = $2; start = $3; load = $(NF-2); sub(/,/, "", load); next }
  /RUN rate=/ { split($1, q, "_"); k = side start q[2]; acked[k] = kv($0, "acked_per_s"); order[++n] = k; sd[k] = side; st[k] = start; ld[k] = load; rt[k] = q[2] }
  /set=all_transitions_202_to_recorded/ { split($1, q, "_"); k = side start q[2]; r50[k] = kv($0, "p50_ms"); r99[k] = kv($0, "p99_ms") }
  /set=all_transitions_202_to_committed/ { split($1, q, "_"); k = side start q[2]; c50[k] = kv($0, "p50_ms"); c99[k] = kv($0, "p99_ms") }
  /^latency_cpu_/ { split($1, q, "_"); k = side start q[3]; cs[k] = kv($0, "cpu_shoal"); cp[k] = kv($0, "cpu_pg") }
  END {
    printf "%-11s %-9s %5s %5s %6s %8s %8s %8s %8s %5s %5s\n", "side", "start", "load1", "rate", "acked", "rec_p50", "rec_p99", "com_p50", "com_p99", "shoal", "pg"
    for (i = 1; i <= n; i++) { k = order[i]
      printf "%-11s %-9s %5s %5s %6s %8s %8s %8s %8s %5s %5s\n", sd[k], st[k], ld[k], rt[k], acked[k], r50[k], r99[k], c50[k], c99[k], cs[k], cp[k] }
  }' "$LOG"
