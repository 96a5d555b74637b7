#!/usr/bin/env bash
# Profile one build creating and syncing SEGMENTS on a copy of a seeded store (as create-side-by-side.sh):
# JFR, pg_stat_statements (when all are created and at the end), per-thread CPU (ticks of 10 ms), and a
# timeline (every ~1 s: segments made, synced, the JVM's and PostgreSQL's CPU ticks, load).
#   SEED_DIR=... STORE_ID=... API_KEY=... create-prof.sh JAR LABEL [SEGMENTS]   (results in $WORK/prof-LABEL-<time>)
set -euo pipefail
JAR=$1 LABEL=$2 SEGMENTS=${3:-1000}
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${WORK:-$HERE/work}/prof-$LABEL-$(date -u +%H%M%S)
mkdir -p "$OUT"
SEED=$SEED_DIR
. "$HERE/side-by-side-lib.sh"
cleanup() { [ -z "$PID" ] || { kill "$PID" 2>/dev/null; wait "$PID" 2>/dev/null || true; }; rm -rf "$OUT/data-run"; }
trap cleanup EXIT
rm -rf "$OUT/data-run"; cp -a "$SEED" "$OUT/data-run"; rm -f "$OUT/data-run/pg/postmaster.pid"
echo "shared_preload_libraries = 'pg_stat_statements'" >> "$OUT/data-run/pg/postgresql.auto.conf"
JAVA_OPTS="-XX:StartFlightRecording=filename=$OUT/rec.jfr,settings=profile,dumponexit=true" start "$JAR" "$OUT/data-run" "$OUT/shoal.log"
PSQL="psql -X -q -At -h 127.0.0.1 -p $PG -U postgres postgres"
$PSQL -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" >/dev/null
$PSQL -c "SELECT pg_stat_statements_reset()" >/dev/null
uptime > "$OUT/uptime.txt"
pgcpu() { local t=0 pm; pm=$(head -1 "$OUT/data-run/pg/postmaster.pid"); for p in $pm $(pgrep -P $pm); do [ -r /proc/$p/stat ] && t=$((t + $(awk '{print $14+$15+$16+$17}' /proc/$p/stat 2>/dev/null || echo 0))); done; echo $t; }
jcpu() { awk '{print $14+$15}' /proc/$PID/stat; }
top_sql() {
  $PSQL -F'|' -c "SELECT calls, round(total_exec_time::numeric), round(mean_exec_time::numeric,3), rows,
     left(regexp_replace(query, '\s+', ' ', 'g'), 160) FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 25" > "$OUT/pg-top-$1.txt"
}
threads() { for t in /proc/$PID/task/*; do printf '%s\t%s\n' "$(awk '{print $14+$15}' $t/stat)" "$(cat $t/comm)"; done | sort -rn | head -25 > "$OUT/threads-$1.txt"; }
t0=$(date +%s.%N)
( java -cp "$JAR" "$HERE/Segments.java" create "http://127.0.0.1:$HTTP" "$STORE_ID" "$API_KEY" "$PG" "$SEGMENTS" 42 > "$OUT/segments.log" 2>&1; echo done > "$OUT/seg.done" ) &
SP=$!
created=0
printf 't_s\tsegments\tdone\tjava_ticks\tpg_ticks\tload1\n' > "$OUT/timeline.tsv"
while [ ! -f "$OUT/seg.done" ]; do
  line=$($PSQL -F' ' -c "SELECT count(*), count(*) FILTER (WHERE sync_status='done') FROM segments WHERE store_id='$STORE_ID'" 2>/dev/null || echo "? ?")
  printf '%.1f\t%s\t%s\t%s\t%s\n' "$(echo "$(date +%s.%N) - $t0" | bc)" "${line// /	}" "$(jcpu)" "$(pgcpu)" "$(cut -d' ' -f1 /proc/loadavg)" >> "$OUT/timeline.tsv"
  if [ $created = 0 ] && [ "${line%% *}" = "$SEGMENTS" ]; then created=1; top_sql created; threads created; fi
  sleep 1
done
wait $SP || true
top_sql end; threads end
uptime >> "$OUT/uptime.txt"
jcmd $PID JFR.dump filename="$OUT/rec.jfr" >/dev/null 2>&1 || true
grep SEGMENTS "$OUT/segments.log" | tee "$OUT/result.txt"
echo "$OUT"
