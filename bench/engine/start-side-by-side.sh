#!/usr/bin/env bash
# Start-to-ready of two builds on the same data, alternating: what a restart of a store costs.
#
#   bench/engine/start-side-by-side.sh BASE_JAR NEW_JAR DATA_DIR [ROUNDS]
#
# DATA_DIR is a Shoal data dir left by `bench/engine/run.sh --keep-data` (work/data-small: its
# customers, segments and event log). Each build starts on its own copy of it (a build may
# migrate the schema), ROUNDS times (default 3), base then new; every start is timed from the
# java command to the first 200 of /health/ready, and the evaluators' own "ready ... in N ms" lines
# are kept. Output: a TSV under bench/engine/work/results/start-<UTC time>/ and the medians.
# HEAP=1: also the heap used after a full GC once ready (jcmd GC.run, then GC.heap_info; as run.sh's
# memory step) and its top classes, and each build once on an empty data dir for the empty heap: the
# bytes per customer of CUSTOMERS (default 30000) are (ready - empty) / CUSTOMERS.
# Only the servers started here are stopped; loopback ports only.
set -euo pipefail
BASE_JAR=$1 NEW_JAR=$2 DATA=$3 ROUNDS=${4:-3}
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=$HERE/work/results/start-$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$OUT"
for b in base new; do
  rm -rf "$OUT/data-$b"
  cp -a "$DATA" "$OUT/data-$b"
  rm -f "$OUT/data-$b/pg/postmaster.pid"
done
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
PID=
cleanup() { [ -z "$PID" ] || { kill "$PID" 2>/dev/null; wait "$PID" 2>/dev/null || true; }; }
trap cleanup EXIT

start_once() { # build jar round
  local b=$1 jar=$2 r=$3 http pg t0 t1 log=$OUT/shoal-$1-$3.log
  http=$(port); pg=$(port)
  t0=$(date +%s%3N)
  SHOAL_HTTP_HOST=127.0.0.1 SHOAL_HTTP_PORT=$http SHOAL_DATA_DIR=$OUT/data-$b SHOAL_EMBEDDED_PG_PORT=$pg \
    SHOAL_ADMIN_KEY=bench-admin-key-0123456789 java ${JAVA_OPTS:-} -jar "$jar" >"$log" 2>&1 &
  PID=$!
  until curl -sf -m 5 -o /dev/null "http://127.0.0.1:$http/health/ready"; do
    kill -0 "$PID" 2>/dev/null || { tail -20 "$log" >&2; echo "$b did not start" >&2; exit 1; }
    sleep 0.05
  done
  t1=$(date +%s%3N)
  local evals heap=
  evals=$(grep -o 'ready: [0-9]* customers, log at seq [0-9]*, in [0-9]* ms' "$log" | sed 's/.* in \([0-9]*\) ms/\1/' | sort -n | tail -1)
  if [ "${HEAP:-0}" = 1 ]; then
    heap=$(heap_kb "$PID")
    jcmd "$PID" GC.class_histogram 2>/dev/null | head -20 >"$OUT/histogram-$b-$r.txt" || true
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$b" "$r" "$((t1 - t0))" "${evals:-0}" "$(cut -d' ' -f1 /proc/loadavg)" "$heap" \
    | tee -a "$OUT/start.tsv"
  kill "$PID"; wait "$PID" 2>/dev/null || true; PID=
  sleep 2
}

heap_kb() { # pid: heap used after a full GC, KB
  jcmd "$1" GC.run >/dev/null; sleep 1; jcmd "$1" GC.run >/dev/null
  jcmd "$1" GC.heap_info | awk '/garbage-first heap|total .* used/ {for(i=1;i<=NF;i++) if($i=="used"){v=$(i+1); sub(/K,?/,"",v); print v; exit}}'
}

printf 'build\tround\tready_ms\tslowest_evaluator_ms\tload1\theap_used_kb\n' | tee "$OUT/start.tsv"
if [ "${HEAP:-0}" = 1 ]; then
  for b in base new; do
    mv "$OUT/data-$b" "$OUT/data-$b-kept"; mkdir "$OUT/data-$b" # an empty data dir: the empty heap
    start_once "$b" "$([ $b = base ] && echo "$BASE_JAR" || echo "$NEW_JAR")" empty
    rm -rf "$OUT/data-$b"; mv "$OUT/data-$b-kept" "$OUT/data-$b"
  done
fi
for r in $(seq 1 "$ROUNDS"); do
  start_once base "$BASE_JAR" "$r"
  start_once new "$NEW_JAR" "$r"
done
for b in base new; do
  awk -F'\t' -v b=$b '$1 == b && $2 != "empty" { print $3, $4 }' "$OUT/start.tsv" | sort -n | awk -v b=$b '
    { r[NR] = $1; e[NR] = $2 } END { m = int((NR + 1) / 2); printf "%s: median ready %d ms (evaluators %d ms of the same run), %d rounds\n", b, r[m], e[m], NR }'
  if [ "${HEAP:-0}" = 1 ]; then
    awk -F'\t' -v b=$b -v n="${CUSTOMERS:-30000}" '$1 == b && $2 == "empty" { e = $6 } $1 == b && $2 != "empty" { h[++k] = $6 }
      END { asort(h); m = k % 2 ? h[(k + 1) / 2] : (h[k / 2] + h[k / 2 + 1]) / 2;
        printf "%s: median heap after GC %d KB, empty %d KB: %.0f bytes per customer of %d, %d rounds\n", b, m, e, (m - e) * 1024 / n, n, k }' "$OUT/start.tsv"
  fi
done | tee "$OUT/summary.txt"
rm -rf "$OUT/data-base" "$OUT/data-new"
