#!/usr/bin/env bash
# One line per run and rate from ab-log.txt (a copy of /work/wh17/logs/ab.log): side, start, load1
# before the run, acked/s, 202->transition p99, 202->webhook p50/p99 (missing pairs), Shoal's and
# PostgreSQL's cores over run.sh's 10-s CPU window, their CPU ms per acked event, and (ab2.sh runs)
# the deliveries written in that window and CPU ms per 1,000 of them.
LOG=${1:-$(dirname "$0")/ab-log.txt}
awk '
  function kv(s, k) { if (match(s, k "=[0-9.]+")) return substr(s, RSTART + length(k) + 1, RLENGTH - length(k) - 1); return "" }
  /^=== (base|new|timing)/ { side = $2; start = $4; load = $(NF-2); sub(/,/, "", load); next }
  /RUN rate=/ { r = kv($0, "rate"); acked[side start r] = kv($0, "acked_per_s") }
  /set=all_transitions_202_to_recorded/ { split($1, q, "_"); tr[side start q[2]] = kv($0, "p99_ms") }
  /WEBHOOK set=202_to_signed_webhook/ { split($1, q, "_"); w50[side start q[2]] = kv($0, "p50_ms"); w99[side start q[2]] = kv($0, "p99_ms"); miss[side start q[2]] = kv($0, "missing") }
  /^latency_cpu_/ { split($1, q, "_"); k = side start q[3]; cs[k] = kv($0, "cpu_shoal"); cp[k] = kv($0, "cpu_pg"); order[++n] = k; sd[k] = side; st[k] = start; ld[k] = load; rt[k] = q[3] }
  /^delivered_/ { split($1, q, "_"); wr[side start q[2]] = kv($0, "window_rows") }
  END {
    printf "%-11s %-8s %5s %5s %5s %7s %8s %8s %4s %5s %5s %8s %7s %6s %8s %7s\n", "side", "start", "load1", "rate", "acked", "tr_p99", "wh_p50", "wh_p99", "miss", "shoal", "pg", "shoal/ev", "pg/ev", "wrows", "shoal/1k", "pg/1k"
    for (i = 1; i <= n; i++) { k = order[i]; a = acked[k] + 0
      printf "%-11s %-8s %5s %5s %5s %7.0f %8.0f %8.0f %4s %5s %5s %8s %7s %6s %8s %7s\n", sd[k], st[k], ld[k], rt[k], a, tr[k], w50[k], w99[k], miss[k], cs[k], cp[k],
        (a > 0 ? sprintf("%.1f", cs[k] * 1000 / a) : "-"), (a > 0 ? sprintf("%.1f", cp[k] * 1000 / a) : "-"),
        ((k in wr) ? wr[k] : "-"), (wr[k] > 0 ? sprintf("%.1f", cs[k] * 10000000 / wr[k]) : "-"), (wr[k] > 0 ? sprintf("%.1f", cp[k] * 10000000 / wr[k]) : "-") }
  }' "$LOG"
