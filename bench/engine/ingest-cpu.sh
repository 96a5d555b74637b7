#!/usr/bin/env bash
# CPU per acknowledged single event on the ingest path alone: the HTTP request, the ingestion, the
# event log's group commit and the 202, with no segments (so the evaluators do next to nothing).
# Jars side by side, each on a fresh embedded PostgreSQL (fsync on, as shipped). Counting the CPU
# ticks of Shoal's process and of its PostgreSQL per acked event is steadier on a busy machine
# than the event rate, which other processes' load moves a lot.
#
#   bench/engine/ingest-cpu.sh LABEL=JAR [LABEL=JAR ...]     e.g. base=/tmp/base.jar new=target/shoal.jar base=...
#
# Environment: DURATION=20 (measured seconds) WARMUP=8 CONNS=64 THREADS=2 CUSTOMERS=1000
#              MIX="page.viewed:50,cart.updated:20,order.completed:30" WORK_DIR=bench/engine/work/ingest-cpu
#              IDLE=10 (seconds without requests, after the warm-up: the background work's CPU)
#              PROFILE=0 (1: a JFR recording of the measured seconds, $WORK_DIR/profile-LABEL-N.jfr, summarised
#              by jfr-top.sh into the .txt beside it; the recording's own cost is then in the figures)
#              STATS=0 (1: PostgreSQL's statements over the measured seconds, $WORK_DIR/pg-top-LABEL-N.txt, with
#              pg_stat_statements loaded by a restart before the warm-up; adds commits/s, events per commit of
#              the event log's insert and WAL bytes per event to the line; its own cost is then in the figures)
# Prints one line per run: label, acked events/s, Shoal ms CPU per event, PostgreSQL ms CPU per event,
# both also less what the same time without requests costs (pollers, timers: at a few hundred
# events/s on a busy machine that is a good part of the whole), and the load average. Everything started here is stopped at the end; it targets 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/../.."
HERE=$(pwd)/bench/engine
DURATION=${DURATION:-20}
WARMUP=${WARMUP:-8}
IDLE=${IDLE:-10}
PROFILE=${PROFILE:-0}
STATS=${STATS:-0}
RUN=0
CONNS=${CONNS:-64}
THREADS=${THREADS:-2}
CUSTOMERS=${CUSTOMERS:-1000}
MIX=${MIX:-"page.viewed:50,cart.updated:20,order.completed:30"}
WORK_DIR=${WORK_DIR:-bench/engine/work/ingest-cpu}
mkdir -p "$WORK_DIR"
WORK_DIR=$(cd "$WORK_DIR" && pwd)
HZ=$(getconf CLK_TCK)
SHOAL_PID=
DATA=

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
ticks() { local t=0 p; for p in "$@"; do t=$((t + $(awk '{print $14+$15}' "/proc/$p/stat" 2>/dev/null || echo 0))); done; echo $t; }
pg_pids() { local pm; pm=$(head -1 "$DATA/pg/postmaster.pid" 2>/dev/null || true); [ -n "$pm" ] && echo "$pm" $(pgrep -P "$pm" || true); }
stop() {
  if [ -n "$SHOAL_PID" ] && kill -0 "$SHOAL_PID" 2>/dev/null; then
    kill "$SHOAL_PID"
    for _ in $(seq 600); do kill -0 "$SHOAL_PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$SHOAL_PID" 2>/dev/null || true
  fi
  SHOAL_PID=
  [ -z "$DATA" ] || rm -rf "$DATA"
}
trap stop EXIT
trap 'exit 130' INT TERM

for arg in "$@"; do
  label=${arg%%=*}; jar=${arg#*=}
  port=$(free_port); admin=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
  DATA=$WORK_DIR/data-$label-$$
  rm -rf "$DATA"
  cp "$jar" "$WORK_DIR/ingest-cpu-under-test.jar"
  pgport=$(free_port); PGURL="postgresql://postgres:postgres@127.0.0.1:$pgport/postgres"
  SHOAL_HTTP_HOST=127.0.0.1 SHOAL_HTTP_PORT=$port SHOAL_DATA_DIR=$DATA SHOAL_EMBEDDED_PG_PORT=$pgport \
    SHOAL_ADMIN_KEY=$admin java -jar "$WORK_DIR/ingest-cpu-under-test.jar" >"$WORK_DIR/shoal-$label.log" 2>&1 &
  SHOAL_PID=$!
  for _ in $(seq 6000); do curl -sf -m 5 -o /dev/null "http://127.0.0.1:$port/health/ready" && break; sleep 0.1; done
  res=$(curl -sf -m 30 -XPOST "http://127.0.0.1:$port/v1/stores" -H "Authorization: Bearer $admin" \
    -H 'Content-Type: application/json' -d '{"name":"ingest-cpu"}')
  store=$(echo "$res" | sed 's/.*"id":"\(store_[^"]*\)".*/\1/')
  if [ "$STATS" != 0 ]; then
    psql -X -q -At "$PGURL" -c "ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'" >/dev/null
    kill "$SHOAL_PID"; wait "$SHOAL_PID" 2>/dev/null || true
    SHOAL_HTTP_HOST=127.0.0.1 SHOAL_HTTP_PORT=$port SHOAL_DATA_DIR=$DATA SHOAL_EMBEDDED_PG_PORT=$pgport \
      SHOAL_ADMIN_KEY=$admin java -jar "$WORK_DIR/ingest-cpu-under-test.jar" >>"$WORK_DIR/shoal-$label.log" 2>&1 &
    SHOAL_PID=$!
    for _ in $(seq 6000); do curl -sf -m 5 -o /dev/null "http://127.0.0.1:$port/health/ready" && break; sleep 0.1; done
    psql -X -q -At "$PGURL" -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" >/dev/null
  fi
  key=$(echo "$res" | sed 's/.*"api_key":"\([^"]*\)".*/\1/')
  # the warm-up creates the customers and verifies the key (cached from then on), and warms the JIT
  wrk -t"$THREADS" -c"$CONNS" -d"${WARMUP}s" -s "$HERE/ingest.lua" "http://127.0.0.1:$port" -- single "$store" "$key" \
    "$CUSTOMERS" "$MIX" >/dev/null
  sleep 2
  i0=$(ticks "$SHOAL_PID"); j0=$(ticks $(pg_pids))
  sleep "$IDLE"
  i1=$(ticks "$SHOAL_PID"); j1=$(ticks $(pg_pids))
  RUN=$((RUN + 1))
  jfr=$WORK_DIR/profile-$label-$RUN.jfr
  [ "$PROFILE" = 0 ] || jcmd "$SHOAL_PID" JFR.start name=ingest duration="${DURATION}s" settings=profile filename="$jfr" >/dev/null
  if [ "$STATS" != 0 ]; then
    psql -X -q -At "$PGURL" -c "SELECT pg_stat_statements_reset()" >/dev/null
    st0=$(psql -X -q -At -F' ' "$PGURL" -c "SELECT (SELECT xact_commit FROM pg_stat_database WHERE datname = 'postgres'), pg_current_wal_lsn() - '0/0'::pg_lsn")
  fi
  s0=$(ticks "$SHOAL_PID"); p0=$(ticks $(pg_pids))
  out=$(wrk -t"$THREADS" -c"$CONNS" -d"${DURATION}s" -s "$HERE/ingest.lua" "http://127.0.0.1:$port" -- single "$store" \
    "$key" "$CUSTOMERS" "$MIX" | grep '^RESULT')
  s1=$(ticks "$SHOAL_PID"); p1=$(ticks $(pg_pids))
  events=$(echo " $out" | sed 's/.* events=\([0-9]*\).*/\1/')
  extra=
  if [ "$STATS" != 0 ]; then
    st1=$(psql -X -q -At -F' ' "$PGURL" -c "SELECT (SELECT xact_commit FROM pg_stat_database WHERE datname = 'postgres'), pg_current_wal_lsn() - '0/0'::pg_lsn")
    psql -X -q "$PGURL" -c "SELECT calls, round(total_exec_time::numeric) AS total_ms, round(mean_exec_time::numeric, 3) AS mean_ms,
        rows, round(rows::numeric / greatest(calls, 1), 1) AS rows_per_call, left(regexp_replace(query, '\s+', ' ', 'g'), 150) AS query
      FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 25" >"$WORK_DIR/pg-top-$label-$RUN.txt" 2>&1 || true
    log_calls=$(psql -X -q -At "$PGURL" -c "SELECT coalesce(sum(calls), 0) || ' ' || coalesce(sum(rows), 0) FROM pg_stat_statements WHERE query LIKE 'INSERT INTO events %'")
    extra=$(awk -v a="$st0" -v b="$st1" -v lc="$log_calls" -v e="$events" -v d="$DURATION" 'BEGIN{split(a, x, " "); split(b, y, " "); split(lc, l, " ");
      printf " commits_per_s=%.0f log_commits_per_s=%.0f events_per_log_commit=%.1f wal_bytes_per_event=%.0f", (y[1]-x[1])/d, l[1]/d, l[2]/(l[1]>0?l[1]:1), (y[2]-x[2])/e}')
  fi
  non2xx=$(echo " $out" | sed 's/.* non2xx=\([0-9]*\).*/\1/')
  awk -v l="$label" -v e="$events" -v d="$DURATION" -v s=$((s1 - s0)) -v p=$((p1 - p0)) -v hz="$HZ" -v bad="$non2xx" \
    -v is=$((i1 - i0)) -v ip=$((j1 - j0)) -v idle="$IDLE" -v load="$(cut -d' ' -f1 /proc/loadavg)" -v extra="$extra" -v t="$(date -u +%H:%M:%S)" \
    'BEGIN{printf "%s %s eps=%.0f shoal_ms_per_event=%.3f pg_ms_per_event=%.3f idle_cores_shoal=%.2f idle_cores_pg=%.2f shoal_ms_per_event_less_idle=%.3f pg_ms_per_event_less_idle=%.3f non2xx=%s load1=%s%s\n",
      t, l, e/d, 1000*s/hz/e, 1000*p/hz/e, is/hz/idle, ip/hz/idle, 1000*(s - is*d/idle)/hz/e, 1000*(p - ip*d/idle)/hz/e, bad, load, extra}'
  if [ "$PROFILE" != 0 ]; then
    for _ in $(seq 60); do [ -s "$jfr" ] && break; sleep 1; done
    "$HERE/jfr-top.sh" "$jfr" 40 >"${jfr%.jfr}.txt" 2>&1 || true
  fi
  stop
done
