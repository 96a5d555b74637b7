#!/usr/bin/env bash
# PostgreSQL ms on the webhook dispatcher's statements in a run's pg-top-latency.txt (the top 15 of
# pg_stat_statements over both latency rates): log page reads, resolves, cursor holds, claims, horizon.
# (main since 5627669: the resolve and hold statements start with WITH locked AS MATERIALIZED.)
# The bench's own endpoint deletes (DELETE FROM webhook_endpoints) are left out. Usage: pgwh.sh RESULT_DIR...
for d in "$@"; do
  awk -F'|' -v dir="$(basename "$d")" '
    NR > 2 && NF >= 5 {
      q = $5; ms = $2 + 0; calls = $1 + 0; rows = $4 + 0
      if (q ~ /WITH gone AS \(DELETE FROM webhook_endpoints/) next
      kind = ""
      if (q ~ /^ *SELECT h.xmin/) kind = "reads"
      else if (q ~ /WITH c AS \(UPDATE webhook_cursors (w )?SET (w.)?position/) kind = "resolves"
      else if (q ~ /WITH locked AS MATERIALIZED .* AND holder = \$3 ORDER BY/) kind = "resolves"
      else if (q ~ /UPDATE webhook_cursors SET holder/) kind = "holds"
      else if (q ~ /WITH locked AS MATERIALIZED .*\(holder IS NULL/) kind = "holds"
      else if (q ~ /webhook_deliveries|webhook_delivered/) kind = "kept"
      else if (q ~ /pg_snapshot_xmin\(pg_current_snapshot\(\)\)::text::bigint *$/) kind = "horizon"
      if (kind == "") next
      t[kind] += ms; c[kind] += calls; r[kind] += rows; total += ms
    }
    END {
      printf "%s total_webhook_ms=%d", dir, total
      for (k in t) printf " %s=%dms/%dcalls/%drows", k, t[k], c[k], r[k]
      printf "\n"
    }' "$d/pg-top-latency.txt"
done
