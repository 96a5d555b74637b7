#!/usr/bin/env bash
# One line per run and rate from ab.log: side, time, rate, acked/s, 202->transition p50/p99,
# 202->webhook p50/p99 (n, missing), cores; then PostgreSQL webhook ms per run (pgwh.sh).
LOG=${1:-$(dirname "$0")/ab-log.txt}  # ab-log.txt: a copy of /work/wh16/logs/ab.log
HERE=$(cd "$(dirname "$0")" && pwd)
awk '
  /^=== (base|new)/ { side = $2; start = $4; load = $NF; sub(/,/, "", load) }
  /^(base|new) bench/ { dir = $2 }
  /RUN rate=/ { match($0, /rate=[0-9]+/); rate = substr($0, RSTART + 5, RLENGTH - 5);
                match($0, /acked_per_s=[0-9]+/); acked[rate] = substr($0, RSTART + 12, RLENGTH - 12);
                match($0, /load1=[0-9.]+/); l1[rate] = substr($0, RSTART + 6, RLENGTH - 6) }
  /set=all_transitions_202_to_recorded/ { tr = p($0) }
  /WEBHOOK set=202_to_signed_webhook/ { wh = p($0); match($0, /missing=[0-9]+/); miss = substr($0, RSTART + 8, RLENGTH - 8);
                match($0, / n=[0-9]+/); n = substr($0, RSTART + 3, RLENGTH - 3) }
  /^latency_cpu_/ { split($1, a, "_"); r = a[3]; cpu = $3 " " $4;
    printf "%-4s %s %5s/s acked=%4s tr(p50/p99 ms)=%s webhook(p50/p99 ms)=%s n=%s missing=%s %s load1=%s\n", side, start, r, acked[r], tr, wh, n, miss, cpu, l1[r] }
  function p(s,   a, b) { match(s, /p50_ms=[0-9.]+/); a = substr(s, RSTART + 7, RLENGTH - 7);
                          match(s, /p99_ms=[0-9.]+/); b = substr(s, RSTART + 7, RLENGTH - 7); return a "/" b }
' "$LOG"
