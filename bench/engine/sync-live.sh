#!/usr/bin/env bash
# A sync while live events flow, on several builds, alternating: how long until a set of new
# segments is synced, and what the live events' 202 -> transition times are meanwhile.
#
#   SEED_DIR=... STORE_ID=... API_KEY=... CUSTOMERS=... bench/engine/sync-live.sh NAME=JAR [NAME=JAR...]
#
# For each name in ORDER (default: the names given, then the same in reverse, e.g. "base new new
# base"), one run: a fresh copy of SEED_DIR (a data dir of one seeded store, kept; its page cache is
# warmed by reading the copy, outside the timing), with track_commit_timestamp and
# pg_stat_statements on; start the jar; create EXISTING (default 100) segments with Segments.java
# (bench-probe and generated ones, seed 42: the live events' work); then the open-loop load
# (LatencyLoad.java, RATE events/s, default 200, MIX, PROBE_PCT % probes) and, after its WARMUP s
# (default 15), a sync: SYNC (default 500) more generated segments created (seed 43, named sync-NNNN,
# two at a time) and waited for until all are synced. The load stops when they are (STOP_FILE), so
# its figures cover the sync only. Per run: Segments' SEGMENTS line (created_s, synced_s), the
# load's RUN/INGEST/LATENCY lines, the cores used by Shoal, PostgreSQL, the generator and others
# over the sync, the load before it, and PostgreSQL's top statements (sync window only).
# The metrics refit (~60 s after a start: 15 s of fitting at 100k, then a recompute of every
# customer, bulk work as well) is put off by SHOAL_METRICS_CHECK_INTERVAL_MS=86400000 unless REFIT=1:
# it would land in or near the sync, at a different point in each run.
# Output: a log and files under bench/engine/work/results/sync-live-<UTC time>/ (RESULTS to choose);
# lock=1 (default) takes `flock -x /work/bench.lock` around each run when that file exists.
# Only the servers and generators started here are stopped; the copies are deleted; loopback only.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${RESULTS:-$HERE/work/results/sync-live-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$OUT"
: "${SEED_DIR:?a seeded data dir}" "${STORE_ID:?}" "${API_KEY:?}" "${CUSTOMERS:?}"
EXISTING=${EXISTING:-100} SYNC=${SYNC:-500} RATE=${RATE:-200} WARMUP=${WARMUP:-15} MAX_S=${MAX_S:-400}
MIX=${MIX:-"page.viewed:50,cart.updated:20,order.completed:30"} PROBE_PCT=${PROBE_PCT:-10}
[ "${REFIT:-0}" = 1 ] || export SHOAL_METRICS_CHECK_INTERVAL_MS=86400000
declare -A JARS
NAMES=()
for a in "$@"; do JARS[${a%%=*}]=${a#*=}; NAMES+=("${a%%=*}"); done
REV=(); for ((i = ${#NAMES[@]} - 1; i >= 0; i--)); do REV+=("${NAMES[i]}"); done
ORDER=${ORDER:-"${NAMES[*]} ${REV[*]}"}
. "$HERE/side-by-side-lib.sh"
SEED=$SEED_DIR
GEN=
trap 'cleanup; [ -z "$GEN" ] || kill "$GEN" 2>/dev/null || true' EXIT
CLK_TCK=$(getconf CLK_TCK)
psql_q() { PGPASSWORD=postgres psql -w -X -q -A -t -h 127.0.0.1 -p "$PG" -U postgres -c "$1"; }
ticks() { local t=0 p; for p in "$@"; do t=$((t + $(awk '{print $14+$15}' "/proc/$p/stat" 2>/dev/null || echo 0))); done; echo $t; }
busy_ticks() { awk '/^cpu /{print $2+$3+$4+$7+$8+$9}' /proc/stat; }
pg_pids() { local pm; pm=$(head -1 "$OUT/data-run/pg/postmaster.pid"); echo "$pm" $(pgrep -P "$pm" || true); }
marks() { echo "$(busy_ticks) $(ticks "$PID") $(ticks $(pg_pids)) $(ticks "$GEN") $(date +%s%N)"; }

one_run() { # name run_number
  local name=$1 n=$2 jar=${JARS[$1]} tag="$1-$2" m0 m1 seg
  rm -rf "$OUT/data-run"; cp -a "$SEED" "$OUT/data-run"; rm -f "$OUT/data-run/pg/postmaster.pid"
  printf "track_commit_timestamp = on\nshared_preload_libraries = 'pg_stat_statements'\n" >>"$OUT/data-run/pg/postgresql.auto.conf"
  find "$OUT/data-run" -type f -exec cat {} + >/dev/null # the copy's page cache, warm
  echo "=== $tag $(date -u +%H:%M:%S) jar=$jar uptime: $(uptime)" | tee -a "$OUT/log.txt"
  start "$jar" "$OUT/data-run" "$OUT/shoal-$tag.log" 9>&- # the server must not hold the bench lock
  psql_q "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" >/dev/null
  if [ "$EXISTING" -gt 0 ]; then # 0: the seed's own segments are the live events' work (e.g. run.sh's 1,000)
    java -cp "$jar" "$HERE/Segments.java" create "http://127.0.0.1:$HTTP" "$STORE_ID" "$API_KEY" "$PG" "$EXISTING" 42 \
      >"$OUT/existing-$tag.log"
    echo "existing $(grep '^SEGMENTS' "$OUT/existing-$tag.log")" >>"$OUT/log.txt"
  fi
  rm -f "$OUT/stop"
  STOP_FILE=$OUT/stop EVENTS_OUT=$OUT/events-$tag.tsv java -cp "$jar" "$HERE/LatencyLoad.java" 127.0.0.1 "$HTTP" "$STORE_ID" "$API_KEY" "$PG" \
    "$CUSTOMERS" "$RATE" "$MAX_S" "$WARMUP" "$MIX" "$PROBE_PCT" >"$OUT/load-$tag.txt" 2>&1 9>&- &
  GEN=$!
  sleep "$WARMUP"
  psql_q "SELECT pg_stat_statements_reset()" >/dev/null
  echo "load1 before sync: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$OUT/log.txt"
  m0=$(marks)
  echo "sync from $(date +%s.%N)" >>"$OUT/log.txt"
  seg=$(java -cp "$jar" "$HERE/Segments.java" create "http://127.0.0.1:$HTTP" "$STORE_ID" "$API_KEY" "$PG" "$SYNC" 43 sync \
    | tee "$OUT/sync-$tag.log" | grep '^SEGMENTS' || echo "SEGMENTS failed")
  m1=$(marks)
  echo "sync to $(date +%s.%N)" >>"$OUT/log.txt"
  touch "$OUT/stop"
  read -r b0 s0 p0 g0 n0 <<<"$m0"; read -r b1 s1 p1 g1 n1 <<<"$m1"
  echo "sync $seg" >>"$OUT/log.txt"
  awk -v b=$((b1 - b0)) -v s=$((s1 - s0)) -v p=$((p1 - p0)) -v g=$((g1 - g0)) -v t=$(((n1 - n0) / 1000000)) -v hz="$CLK_TCK" \
    'BEGIN{t/=1000; printf "cpu (cores over the sync) shoal=%.2f pg=%.2f loadgen=%.2f other=%.2f total=%.2f\n",
      s/hz/t, p/hz/t, g/hz/t, (b-s-p-g)/hz/t, b/hz/t}' >>"$OUT/log.txt"
  psql_q "SELECT calls, round(total_exec_time::numeric), round(mean_exec_time::numeric, 3), rows,
      left(regexp_replace(query, '\s+', ' ', 'g'), 160) FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 15" \
    >"$OUT/pg-top-$tag.txt" 2>&1 || true
  wait "$GEN" || true
  GEN=
  grep -E '^(RUN|INGEST|LATENCY|WARN)' "$OUT/load-$tag.txt" >>"$OUT/log.txt" || true
  stop
}

declare -A COUNT
for name in $ORDER; do
  COUNT[$name]=$((${COUNT[$name]:-0} + 1))
  if [ "${lock:-1}" = 1 ] && [ -e /work/bench.lock ]; then
    exec 9>/work/bench.lock; flock -x 9
  fi
  one_run "$name" "${COUNT[$name]}"
  exec 9>&-
done
rm -rf "$OUT/data-run"
echo "=== done $(date -u +%H:%M:%S)" | tee -a "$OUT/log.txt"
echo "results: $OUT"
