#!/usr/bin/env bash
# Prints the results of one bench/run.sh run as Markdown tables: the median over the runs of
# each figure, per scenario. Usage: bench/report.sh RESULTS_DIR (the directory with raw.tsv).
set -euo pipefail
DIR=${1:?usage: bench/report.sh RESULTS_DIR}
RAW=$DIR/raw.tsv

[ -f "$DIR/env.txt" ] && { echo '```'; cat "$DIR/env.txt"; echo '```'; echo; }

awk -F'\t' '
  function median(key, col,    n, i, j, t, v) {
    n = cnt[key]
    for (i = 1; i <= n; i++) v[i] = val[key, i, col] + 0
    for (i = 2; i <= n; i++) { t = v[i]; for (j = i - 1; j >= 1 && v[j] > t; j--) v[j + 1] = v[j]; v[j + 1] = t }
    if (n % 2) return v[(n + 1) / 2]
    return (v[n / 2] + v[n / 2 + 1]) / 2
  }
  function med_or_dash(key, col,   i) {
    for (i = 1; i <= cnt[key]; i++) if (val[key, i, col] == "-") return "-"
    return sprintf("%.2f", median(key, col))
  }
  function range(key, col,   i, lo, hi, x) {
    lo = ""; hi = ""
    for (i = 1; i <= cnt[key]; i++) { x = val[key, i, col] + 0; if (lo == "" || x < lo) lo = x; if (hi == "" || x > hi) hi = x }
    return sprintf("%.0f–%.0f", lo, hi)
  }
  NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
  {
    key = $1
    if (!(key in cnt)) { order[++nkeys] = key; conns[key] = $3; mode[key] = $2 }
    cnt[key]++
    for (i = 1; i <= NF; i++) val[key, cnt[key], i] = $i
  }
  END {
    # the ceiling of each concurrency level, for the ratios
    for (k = 1; k <= nkeys; k++) { key = order[k]; if (mode[key] == "ceiling") ceil[conns[key]] = median(key, col["rps"]) }
    print "| scenario | conns | req/s (median) | req/s range | p50 ms | p90 ms | p99 ms | ceiling / this (req/s) | errors | CPU % server / pg / wrk / other | load (1 min) |"
    print "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|"
    for (k = 1; k <= nkeys; k++) {
      key = order[k]
      rps = median(key, col["rps"])
      ratio = (conns[key] in ceil && rps > 0 && mode[key] != "ceiling") ? sprintf("%.1fx", ceil[conns[key]] / rps) : "-"
      errs = 0
      for (i = 1; i <= cnt[key]; i++) errs += val[key, i, col["non2xx"]] + val[key, i, col["sockerr"]] + val[key, i, col["timeouts"]]
      printf "| %s | %s | %.0f | %s | %.2f | %.2f | %.2f | %s | %d | %.0f / %.0f / %.0f / %.0f | %s |\n", key, conns[key], rps,
        range(key, col["rps"]), median(key, col["p50_ms"]), median(key, col["p90_ms"]), median(key, col["p99_ms"]), ratio, errs,
        median(key, col["cpu_server"]), median(key, col["cpu_pg"]), median(key, col["cpu_wrk"]), median(key, col["cpu_other"]),
        ("load1" in col) ? sprintf("%.1f", median(key, col["load1"])) : "-"
    }
    print ""
    print "Server-side waits (medians; averages per use over each run, from Shoal'\''s /metrics):"
    print ""
    print "| scenario | conns | worker-pool wait ms | worker use ms | pg-pool wait ms | pg connection use ms | pg connections taken per request | GC pauses a run: count / ms in all / longest ms (each run) |"
    print "|---|---:|---:|---:|---:|---:|---:|---|"
    for (k = 1; k <= nkeys; k++) {
      key = order[k]
      if (mode[key] == "ceiling") continue
      printf "| %s | %s | %s | %s | %s | %s | %s | %s |\n", key, conns[key], med_or_dash(key, col["worker_wait_ms"]),
        med_or_dash(key, col["worker_use_ms"]), med_or_dash(key, col["pg_wait_ms"]), med_or_dash(key, col["pg_use_ms"]),
        ("pg_uses_per_req" in col) ? med_or_dash(key, col["pg_uses_per_req"]) : "-", gc_runs(key)
    }
  }
  # the server'\''s GC pauses inside each run (older raw.tsv files have none)
  function gc_runs(key,   i, r) {
    if (!("gc_pauses" in col)) return "-"
    r = ""
    for (i = 1; i <= cnt[key]; i++)
      r = r (i > 1 ? "; " : "") val[key, i, col["gc_pauses"]] " / " val[key, i, col["gc_pause_ms"]] " / " val[key, i, col["gc_pause_max_ms"]]
    return r
  }' "$RAW"

if [ -f "$DIR/explain.txt" ]; then
  echo
  echo "EXPLAIN ANALYZE execution times of the search SQL (each statement the server runs for the term; older runs:"
  echo "custom and generic plans):"
  echo
  awk '/^=== search/ { t = $0; sub(/^=== /, "", t); sub(/ ===$/, "", t); m = ""; if (!(t in seen)) { seen[t] = 1; order[++n] = t } }
       /^--- force_custom_plan/ { m = "custom " } /^--- force_generic_plan/ { m = "generic " }
       /^Execution Time/ { x[t] = x[t] (x[t] == "" ? "" : ", ") m $3 " ms" }
       END { for (i = 1; i <= n; i++) printf "- %s: %s\n", order[i], x[order[i]] }' \
    "$DIR/explain.txt"
fi

if [ -f "$DIR/profile.txt" ]; then
  echo
  echo "Each search term run once in PostgreSQL alone (EXPLAIN ANALYZE of the server's SQL, no HTTP, no concurrency):"
  echo
  echo '```'
  grep -v '^$' "$DIR/profile.txt"
  echo '```'
fi
