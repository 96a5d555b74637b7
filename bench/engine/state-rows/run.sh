#!/usr/bin/env bash
# Issue 14, V60: the evaluator's state-row upsert with memberships as segment ids (before V60)
# against segment numbers (V60), on a scratch PostgreSQL (fsync on), side by side, alternating
# which goes first. Each round upserts 2,000 customers with one membership changed each.
#
#   bench/engine/state-rows/run.sh [ROUNDS]      (default 10; needs PostgreSQL 15+ binaries)
#
# Prints each round's times and the medians (ms per 2,000 rows) with their ratio.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
rounds="${1:-10}"
. "$here/../scratch-pg.sh"
scratch_pg_start state-rows
"${psql[@]}" -f "$here/setup.sql" 2>&1 | grep -v NOTICE
printf '\\timing on\n' > "$dir/timing.sql"
ids=(); nums=()
for ((r = 1; r <= rounds; r++)); do
  if ((r % 2)); then order=(ids nums); else order=(nums ids); fi
  out="$("${psql[@]}" -f "$here/pick.sql" -f "$dir/timing.sql" -f "$here/${order[0]}.sql" -f "$here/${order[1]}.sql" \
    | grep -o 'Time: [0-9.]*' | awk '{print $2}')"
  first="$(sed -n 1p <<< "$out")"; second="$(sed -n 2p <<< "$out")"
  if [ "${order[0]}" = ids ]; then ids+=("$first"); nums+=("$second"); else nums+=("$first"); ids+=("$second"); fi
  echo "round $r (${order[0]} first): ids ${ids[-1]} ms, nums ${nums[-1]} ms"
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
mi="$(median "${ids[@]}")"; mn="$(median "${nums[@]}")"
echo "RESULT rounds=$rounds median_ms_ids=$mi median_ms_nums=$mn ratio=$(awk -v a="$mi" -v b="$mn" 'BEGIN {printf "%.2f", a / b}') load: $(cut -d' ' -f1-3 /proc/loadavg)"
"${psql[@]}" -At -c "SELECT 'row bytes: ids ' || (SELECT avg(pg_column_size(a.*))::int FROM a_state a) || ', nums ' || (SELECT avg(pg_column_size(b.*))::int FROM b_state b) || '; table+TOAST+index: ids ' || pg_size_pretty(pg_total_relation_size('a_state')) || ', nums ' || pg_size_pretty(pg_total_relation_size('b_state'))"
