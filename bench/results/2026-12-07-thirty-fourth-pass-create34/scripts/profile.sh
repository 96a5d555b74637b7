#!/usr/bin/env bash
# profile.sh PORT CONNS DUR OUTDIR [mode] : pg_stat_statements + pg_stat_wal + JFR around one wrk create run
set -euo pipefail
port=$1; conns=$2; dur=$3; out=$4; mode=${5:-create}
mkdir -p $out
W=/work/create34-work; SEED=/work/lead33-work/bench/data/bench-seed; . <(grep = $SEED/store.env | sed 's/^/export /')
export PGPASSWORD=postgres; P="psql -w -h 127.0.0.1 -p $((port+2)) -U postgres -d postgres -X"
pid=$(ss -ltnp | grep ":$port " | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2)
uptime > $out/uptime.txt
$P -q -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" -c "ALTER SYSTEM SET pg_stat_statements.track_planning = on" -c "SELECT pg_reload_conf()" >/dev/null
$P -qc "SELECT pg_stat_statements_reset(); SELECT pg_stat_reset_shared('wal');" >/dev/null
$P -Atc "SELECT pg_current_wal_lsn()" > $out/lsn0
[ "${JFR:-1}" = 1 ] && jcmd $pid JFR.start name=c18 settings=profile filename=$out/server.jfr >/dev/null
wrk -t2 -c$conns -d${dur}s --timeout 10s -s /work/wt/create34/bench/wrk/shoal.lua http://127.0.0.1:$port -- $mode $STORE_ID $API_KEY | tee $out/wrk.txt | grep RESULT
[ "${JFR:-1}" = 1 ] && jcmd $pid JFR.stop name=c18 >/dev/null
$P -Atc "SELECT pg_current_wal_lsn()" > $out/lsn1
$P -c "SELECT pg_wal_lsn_diff('$(cat $out/lsn1)','$(cat $out/lsn0)') AS wal_bytes" -c "SELECT wal_records, wal_fpi, wal_bytes, wal_write, wal_sync, wal_sync_time FROM pg_stat_wal" \
  -c "SELECT calls, rows, round(total_plan_time::numeric,0) AS plan_ms, plans, round(total_exec_time::numeric,0) AS ms, round((total_exec_time/greatest(calls,1))::numeric,3) AS ms_per_call, wal_fpi, wal_bytes, left(regexp_replace(query,'\s+',' ','g'),150) AS q FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 30" > $out/pgss.txt
cat $out/pgss.txt | head -45
