#!/usr/bin/env bash
# Issue 14: the evaluator's state-row upsert as V60-V63 write it (old.sql into old_state) against
# the statement since (new.sql into new_state: lists in ascending order, since-times from the
# slices the evaluator sends; first.sql: the same on rows not yet in order, as after an upgrade), on a
# scratch PostgreSQL (fsync on), side by side, the order rotating every round. Each round upserts
# the same 2,000 customers into every table (since-pick.sql: three in four with memberships
# changed). Per statement: time (commit included: psql's autocommit), the backend's CPU time
# (/proc/PID/stat, clock ticks: what a loaded machine inflates least) and WAL bytes per row, with
# full-page images apart (pg_walinspect).
#
#   [PICK=backfill-pick.sql] bench/engine/state-rows/since.sh [ROUNDS] [VARIANT...]   (default 10 rounds, variants old new first;
#   PICK: each round's input, default since-pick.sql, an event's writes)
#
# A variant NAME is NAME.sql here (or a path to NAME.sql), writing the table NAME_state; a table
# other than old_state is made as a copy of old_state before the rounds, and the file's first line
# may say "-- ddl: <SQL>; <SQL>..." to run on it after the copy (new.sql sorts the lists; a fillfactor;
# split.sql moves the memberships into NAME_memberships, as branch state14b-split did, whose size the
# result adds; ff70.sql: fillfactor 70).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
rounds="${1:-10}"; shift || true
variants=("$@"); [ ${#variants[@]} -gt 0 ] || variants=(old new first)
. "$here/../scratch-pg.sh"
scratch_pg_start state-since
"${psql[@]}" -f "$here/since-setup.sql" -f "$here/since-runs.sql"
"${psql[@]}" -c "CREATE EXTENSION pg_walinspect"
file() { case "$1" in */*) echo "$1.sql";; *) echo "$here/$1.sql";; esac; }
for v in "${variants[@]}"; do
  t="$(basename "$v")_state"
  if [ "$t" != old_state ]; then
    "${psql[@]}" -c "CREATE TABLE $t (LIKE old_state INCLUDING ALL); INSERT INTO $t SELECT * FROM old_state;"
    ddl="$(sed -n "1s/^-- ddl: //p" "$(file "$v")")"; [ -z "$ddl" ] || while IFS= read -r s; do "${psql[@]}" -c "$s"; done < <(tr ";" "\n" <<< "$ddl")
  fi
done
for v in "${variants[@]}"; do "${psql[@]}" -c "VACUUM FULL $(basename "$v")_state"; done
"${psql[@]}" -c "VACUUM ANALYZE" -c "CHECKPOINT"
declare -A ms wal fpi cpu
for ((r = 1; r <= rounds; r++)); do
  "${psql[@]}" -f "$here/${PICK:-since-pick.sql}"
  n=${#variants[@]}; line="round $r:"
  for ((i = 0; i < n; i++)); do
    v="${variants[$(((i + r) % n))]}"
    out="$("${psql[@]}" -At -v stmt="$(file "$v")" <<'SQL'
SELECT pg_backend_pid() AS pid \gset
\setenv BACKEND :pid
SELECT pg_current_wal_lsn() AS l0 \gset
\! awk '{print "cpu0", $14 + $15}' /proc/$BACKEND/stat
SELECT clock_timestamp() AS t0 \gset
\i :stmt
SELECT extract(epoch FROM clock_timestamp() - :'t0'::timestamptz) * 1e6 / 2000 AS us, pg_current_wal_lsn() AS l1 \gset
\! awk '{print "cpu1", $14 + $15}' /proc/$BACKEND/stat
SELECT round(:'us'::numeric, 1) || ' ' || (sum(record_size + fpi_size) / 2000)::int || ' ' || (sum(fpi_size) / 2000)::int
  FROM pg_get_wal_stats(:'l0', :'l1');
SQL
)"
    hz="$(getconf CLK_TCK)"
    c="$(awk -v hz="$hz" '/^cpu0/ {a = $2} /^cpu1/ {b = $2} END {printf "%.1f", (b - a) * 1e6 / hz / 2000}' <<< "$out")"
    read -r u w f <<< "$(grep -v '^cpu' <<< "$out")"; ms[$v]+="$u "; wal[$v]+="$w "; fpi[$v]+="$f "; cpu[$v]+="$c "
    line+=" $(basename "$v") ${u} µs (cpu $c) ${w} B (fpi $f)"
  done
  echo "$line  load $(cut -d' ' -f1-3 /proc/loadavg)"
done
median() { tr ' ' '\n' <<< "$1" | grep . | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
for v in "${variants[@]}"; do
  t="$(basename "$v")_state"
  echo "RESULT $(basename "$v") rounds=$rounds median_us_per_row=$(median "${ms[$v]}") median_cpu_us_per_row=$(median "${cpu[$v]}") median_wal_per_row=$(median "${wal[$v]}") median_fpi_per_row=$(median "${fpi[$v]}") $("${psql[@]}" -At -c "SELECT 'hot=' || round(100.0 * n_tup_hot_upd / nullif(n_tup_upd, 0)) || '% size=' || pg_size_pretty(pg_total_relation_size('$t')) || ' row=' || (SELECT avg(pg_column_size(x.*))::int FROM $t x) || 'B' || coalesce(' memberships=' || pg_size_pretty(pg_total_relation_size(to_regclass('$(basename "$v")_memberships'))), '') FROM pg_stat_user_tables WHERE relname = '$t'")"
done
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
