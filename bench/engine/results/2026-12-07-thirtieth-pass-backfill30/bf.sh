#!/usr/bin/env bash
# (backfill30: backfill29's, plus the next start after the backfills: its ready time and the rows left unpacked)
# bf.sh JAR DATA_DIR OUT_DIR "LABEL:RULES ..." [jfr]: starts JAR on DATA_DIR (a copy; never another's), waits until
# ready and the JVM is idle, then for each LABEL:RULES creates a segment and polls until done (BackfillProbe),
# recording JVM/PostgreSQL CPU (mon.py), pg_stat_statements, pg_stat_wal and optionally a JFR of the JVM.
set -euo pipefail
JAR=$1 DATA=$2 OUT=$3 RUNS=$4 JFR=${5:-}
HERE=/work/backfill30-work/bin
BIN=/work/backfill30-work/bin
mkdir -p "$OUT"
. "$DATA/bench-store.env"
rm -f "$DATA/pg/postmaster.pid"
OUTX=$OUT
ADMIN=bench-admin-key-0123456789
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
HTTP=$(port); PG=$(port)
cp "$JAR" "$OUT/jar.jar"
t0=$(date +%s.%N)
env SHOAL_HTTP_HOST=127.0.0.1 SHOAL_HTTP_PORT=$HTTP SHOAL_DATA_DIR=$DATA SHOAL_EMBEDDED_PG_PORT=$PG SHOAL_ADMIN_KEY=$ADMIN \
  java -XX:MaxTenuringThreshold=1 -jar "$OUT/jar.jar" >"$OUT/shoal.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null || true' EXIT
until curl -sf -m 5 -o /dev/null "http://127.0.0.1:$HTTP/health/ready"; do
  kill -0 "$PID" 2>/dev/null || { tail -20 "$OUT/shoal.log" >&2; exit 1; }
  sleep 0.2
done
echo "ready_s=$(echo "$(date +%s.%N) - $t0" | bc)" | tee "$OUT/ready.txt"
jcpu() { awk '{print $14+$15}' /proc/$PID/stat; }
# the start's metrics refit (and its recompute of every customer) first, at most 180 s: it came due during
# the broad backfill in some runs and made most of its writes whole rows (twenty-ninth pass)
for i in $(seq 180); do grep -q 'models refitted' "$OUT/shoal.log" && break; sleep 1; done
echo "refit seen after ${i} s: $(grep -c 'models refitted' "$OUT/shoal.log")" >> "$OUT/ready.txt"
# idle: JVM below 0.15 core over 2 s, at most 240 s
for i in $(seq 120); do a=$(jcpu); sleep 2; b=$(jcpu); [ $((b - a)) -lt 30 ] && break; done
echo "idle after extra ${i}x2s" >> "$OUT/ready.txt"
PSQL="postgresql://postgres:postgres@127.0.0.1:$PG/postgres"
q() { psql -X -q -A -t "$PSQL" -c "$1"; }
q "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" >/dev/null
for spec in $RUNS; do
  label=${spec%%:*}; rules=${spec#*:}
  q "SELECT pg_stat_statements_reset()" >/dev/null; q "SELECT pg_stat_reset_shared('wal')" >/dev/null
  q "SELECT sum(n_tup_upd), sum(n_tup_hot_upd), sum(n_tup_ins) FROM pg_stat_user_tables WHERE relname = 'customer_eval_state'" > "$OUT/$label-upd0"
  python3 $BIN/mon.py $PID "$DATA/pg" "$OUT/$label-mon.tsv" & MON=$!
  [ -n "$JFR" ] && jcmd $PID JFR.start name=bf settings=profile filename="$OUT/$label.jfr" >/dev/null
  l0=$(cut -d' ' -f1 /proc/loadavg)
  probe=$(java -cp "$JAR" "$HERE/BackfillProbe.java" backfill "http://127.0.0.1:$HTTP" "$STORE_ID" "$API_KEY" "$rules" | grep '^PROBE' || echo "PROBE failed")
  l1=$(cut -d' ' -f1 /proc/loadavg)
  [ -n "$JFR" ] && jcmd $PID JFR.stop name=bf >/dev/null
  kill $MON; wait $MON 2>/dev/null || true
  printf '%s\t%s\tload1_before=%s load1_after=%s %s\n' "$(basename "$JAR")" "$label" "$l0" "$l1" "${probe#PROBE }" | tee -a "$OUT/probe.tsv"
  psql -X -q "$PSQL" -c "SELECT calls, round(total_exec_time::numeric) AS total_ms, round(mean_exec_time::numeric, 3) AS mean_ms, rows, left(regexp_replace(query, '\s+', ' ', 'g'), 160) AS query FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 12" > "$OUT/$label-pgtop.txt"
  { q "SELECT wal_records, wal_fpi, wal_bytes, wal_write, wal_sync FROM pg_stat_wal"; cat "$OUT/$label-upd0";
    q "SELECT sum(n_tup_upd), sum(n_tup_hot_upd), sum(n_tup_ins) FROM pg_stat_user_tables WHERE relname = 'customer_eval_state'"; } > "$OUT/$label-wal.txt"
  for i in $(seq 30); do a=$(jcpu); sleep 2; b=$(jcpu); [ $((b - a)) -lt 30 ] && break; done
done
kill $PID; wait $PID 2>/dev/null || true
# the next start on the same data (what the packed column keeps level), then the rows it read unpacked
rm -f "$DATA/pg/postmaster.pid"
l0=$(cut -d' ' -f1 /proc/loadavg)
t0=$(date +%s.%N)
env SHOAL_HTTP_HOST=127.0.0.1 SHOAL_HTTP_PORT=$HTTP SHOAL_DATA_DIR=$DATA SHOAL_EMBEDDED_PG_PORT=$PG SHOAL_ADMIN_KEY=$ADMIN \
  java -XX:MaxTenuringThreshold=1 -jar "$OUT/jar.jar" >"$OUT/shoal-restart.log" 2>&1 &
PID=$!
python3 $BIN/mon.py $PID "$DATA/pg" "$OUT/restart-mon.tsv" & MON=$!
until curl -sf -m 5 -o /dev/null "http://127.0.0.1:$HTTP/health/ready"; do
  kill -0 "$PID" 2>/dev/null || { tail -20 "$OUT/shoal-restart.log" >&2; exit 1; }
  sleep 0.2
done
echo "restart_ready_s=$(echo "$(date +%s.%N) - $t0" | bc) load1_before=$l0 load1_after=$(cut -d' ' -f1 /proc/loadavg)" | tee "$OUT/restart.txt"
kill $MON; wait $MON 2>/dev/null || true
q "SELECT 'rows', count(*), 'unpacked', count(*) FILTER (WHERE segment_nums_packed IS NULL AND segment_nums IS NOT NULL) FROM customer_eval_state" >> "$OUT/restart.txt"
kill $PID; wait $PID 2>/dev/null || true
trap - EXIT
