#!/usr/bin/env bash
# Summarises one result dir of bench/engine/run.sh: medians over the runs (with min..max).
#   bench/engine/report.sh bench/engine/work/results/<timestamp>
set -euo pipefail
DIR=${1:?usage: report.sh RESULT_DIR}
RAW=$DIR/raw.tsv

# values of KEY in the lines of STEP (and, if given, whose text contains FILTER), one a line
vals() { # step key [filter]
  awk -F'\t' -v s="$1" -v k="$2" -v f="${3:-}" '$1 == s && (f == "" || index($3, f) > 0) {
    n = split($3, kv, " "); for (i = 1; i <= n; i++) { split(kv[i], p, "="); if (p[1] == k) print p[2] } }' "$RAW"
}
# "median (min..max, n=N)" of numbers on stdin
med() {
  sort -g | awk '{a[NR] = $1} END {
    if (NR == 0) { print "-"; exit }
    m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
    if (NR == 1) printf "%s\n", m; else printf "%s (%s..%s, n=%d)\n", m, a[1], a[NR], NR }'
}
median() { sort -g | awk '{a[NR] = $1} END { if (NR == 0) print 0; else print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

cat "$DIR/env.txt"
echo
echo "== PostgreSQL settings"
awk -F'\t' '$1 == "embedded" || $1 == "durable" { print "  " $1 ": " $3 }' "$RAW"
echo
echo "== start-up (launch to /health/ready), evaluators: customers:load time"
awk -F'\t' '$1 == "start" { print "  " $2 ": " $3 }' "$RAW"
echo
echo "== memory (heap used after full GC)"
awk -F'\t' '$1 == "memory" { print "  " $2 ": " $3 }' "$RAW"
echo
echo "== idle (no requests), cores"
awk -F'\t' '$1 == "idle" { print "  " $2 ": " $3 }' "$RAW"
echo
echo "== segments created"
awk -F'\t' '$1 == "segments" { print "  " $3 }' "$RAW"
echo
for mode in single batch durable_single durable_batch; do
  [ -n "$(vals ingest_$mode eps)" ] || continue
  echo "== ingest $mode (wrk, closed loop)"
  echo "  requests/s:            $(vals ingest_$mode rps | med)"
  echo "  events acked/s (202):  $(vals ingest_$mode eps | med)"
  echo "  evaluated during run/s: $(vals ingest_$mode evaluated_during_run_eps | med)   ((acked - backlog left at the end) / run)"
  echo "  evaluated/s incl. drain: $(vals ingest_$mode evaluated_eps | tr '\n' ' ')  (events / (run + drain), if drained)"
  echo "  backlog at the end:    $(vals ingest_$mode backlog_start | med) events; drained in $(vals ingest_$mode drain_s | med) s at $(vals ingest_$mode drain_eps | med) events/s; left $(vals ingest_$mode backlog_end | tr '\n' ' ')"
  echo "  request p50 ms:        $(vals ingest_$mode p50_ms | med)"
  echo "  request p99 ms:        $(vals ingest_$mode p99_ms | med)"
  echo "  non-202 / rejected / socket errors: $(vals ingest_$mode non2xx | awk "{s+=\$1} END{print s+0}") / $(vals ingest_$mode rejected | awk "{s+=\$1} END{print s+0}") / $(vals ingest_$mode sockerr | awk "{s+=\$1} END{print s+0}")"
  echo "  GC seconds in run:     $(vals ingest_$mode gc_s | med)"
  echo "  cores: shoal $(vals ingest_$mode cpu_shoal | median), postgres $(vals ingest_$mode cpu_pg | median), wrk $(vals ingest_$mode cpu_loadgen | median), other $(vals ingest_$mode cpu_other | median), total $(vals ingest_$mode cpu_total | median)"
  # runs since the thirty-sixth pass also give the part of Shoal's cores its JIT compiler and GC threads took
  if [ -n "$(vals ingest_$mode cpu_shoal_jit)" ]; then
    echo "  of shoal's cores: JIT compiler threads $(vals ingest_$mode cpu_shoal_jit | median), GC threads $(vals ingest_$mode cpu_shoal_gc | median)"
  fi
  echo "  quiet check before runs: $(vals ingest_$mode other_cpu_pct | tr '\n' ' ')% of a core; load1 $(vals ingest_$mode load1 | tr '\n' ' ')"
  echo
done
for step in $(awk -F'\t' '$1 ~ /^latency_(durable_)?[0-9]+$/ { print $1 }' "$RAW" | sort -u -t_ -k2 -rn); do
  rate=${step#latency_}
  echo "== latency, open loop at $rate events/s"
  awk -F'\t' -v s="$step" '$1 == s && $3 ~ /^RUN/ { sub(/ other_cpu_pct.*/, "", $3); print "  run " $2 ": " $3 }' "$RAW"
  echo "  achieved (acked/s): $(vals "$step" acked_per_s | med); dropped (not sent, >2 s backlog): $(vals "$step" dropped | med)"
  for set in probe_202_to_recorded all_transitions_202_to_recorded all_transitions_due_to_recorded; do
    echo "  $set: p50 $(vals "$step" p50_ms "set=$set " | med) ms; p99 $(vals "$step" p99_ms "set=$set " | med) ms;" \
      "max $(vals "$step" max_ms "set=$set " | med) ms; negative $(vals "$step" neg_pct "set=$set " | med) %; n $(vals "$step" n "set=$set " | med)"
  done
  echo "  ingest (due -> 202): p50 $(vals "$step" p50_ms "set=due_to_202" | med) ms; p99 $(vals "$step" p99_ms "set=due_to_202" | med) ms; non-202 $(vals "$step" non202 | awk "{s+=\$1} END{print s+0}")"
  echo "  cores: shoal $(vals "latency_cpu_$rate" cpu_shoal | median), postgres $(vals "latency_cpu_$rate" cpu_pg | median), generator $(vals "latency_cpu_$rate" cpu_loadgen | median), other $(vals "latency_cpu_$rate" cpu_other | median)"
  echo "  quiet check before runs: $(vals "$step" other_cpu_pct "set=due_to_202" | tr '\n' ' ')% of a core; load1 $(vals "$step" load1 "set=due_to_202" | tr '\n' ' ')"
  echo
done
if [ -n "$(vals sql decisions_per_s)" ]; then
  echo "== decisions: SQL per event and segment vs Shoal"
  awk -F'\t' '$1 == "sql" { print "  " $3 }' "$RAW" | sed 's/ other_cpu_pct.*//'
  cand=$(vals sql mean_per_event | head -1)
  sql1=$(vals sql decisions_per_s mode=per_decision | median)
  sql2=$(vals sql decisions_per_s mode=per_event | median)
  for mode in single batch; do
    for what in evaluated_during_run_eps drain_eps; do
      ev=$(vals ingest_$mode $what | median)
      [ "$ev" != 0 ] || continue
      awk -v e="$ev" -v c="$cand" -v a="$sql1" -v b="$sql2" -v m="$mode" -v w="$what" 'BEGIN {
        d = e * c; printf "  Shoal (%s ingest, %s): %.0f events/s x %.1f segments = %.0f decisions/s;", m, w, e, c, d
        printf " ratio vs per-decision SQL %.1fx, vs per-event SQL %.1fx\n", d / a, d / b }'
    done
  done
  echo
fi
for b in selective broad broad_time; do
  [ -n "$(vals backfill_$b ms)" ] || continue
  echo "== backfill $b: $(vals backfill_$b ms | med) ms; members $(vals backfill_$b members | head -1); rules $(vals backfill_$b rules | head -1)"
done
