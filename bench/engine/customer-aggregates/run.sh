#!/usr/bin/env bash
# Issue 14: the evaluator's customers aggregates update (customer/CustomerAggregates.java) on a
# scratch PostgreSQL (fsync on), side by side, rotating which goes first:
#   a  customers as migrated (every index; the update changes indexed columns, so it is not HOT)
#   b  the same rows and indexes less the three over total_spent, total_orders, last_order_at
#   c  a narrow table of the aggregates alone with those three indexes
# Each round updates the same 128 random customers (one order more) in each, one transaction each;
# the figure is the UPDATE's time (the commit, printed apart, is shared by a whole batch in Shoal).
#
#   bench/engine/customer-aggregates/run.sh [ROUNDS]   (default 30; needs target/shoal.jar and PostgreSQL 15+)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
jar="$here/../../../target/shoal.jar"
rounds="${1:-30}"
[ -f "$jar" ] || { echo "build first: mvn -B -q package -DskipTests" >&2; exit 1; }
. "$here/../scratch-pg.sh"
scratch_pg_start customer-aggregates
java -cp "$jar" "$here/Migrate.java" "jdbc:postgresql://127.0.0.1:$port/postgres" postgres 2>&1 | grep -v "WARN\|INFO" || true
psql+=(-v ON_ERROR_STOP=1)
"${psql[@]}" -f "$here/setup.sql"
[ "$("${psql[@]}" -At -c "SELECT count(*) FROM pg_indexes WHERE tablename = 'b_customers'")" = \
  "$(( $("${psql[@]}" -At -c "SELECT count(*) FROM pg_indexes WHERE tablename = 'customers'") - 3 ))" ] \
  || { echo "b_customers should have the indexes of customers less three" >&2; exit 1; }
printf '\\timing on\n' > "$dir/timing.sql"
declare -A times=([a]="" [b]="" [c]="")
orders=("a b c" "b c a" "c a b")
for ((r = 1; r <= rounds; r++)); do
  read -r -a order <<< "${orders[$((r % 3))]}"
  out="$("${psql[@]}" -f "$here/pick.sql" -f "$dir/timing.sql" -f "$here/${order[0]}.sql" -f "$here/${order[1]}.sql" \
    -f "$here/${order[2]}.sql" | grep -o 'Time: [0-9.]*' | awk '{print $2}' | tail -9)"
  line="round $r (${order[*]}):"
  for i in 0 1 2; do
    # each file is BEGIN, UPDATE, COMMIT: the update's time (a batch commits once for all its statements)
    t="$(sed -n "$((3 * i + 2))p" <<< "$out")"; c="$(sed -n "$((3 * i + 3))p" <<< "$out")"
    times[${order[$i]}]+="$t "; line+=" ${order[$i]} $t ms (commit $c)"
  done
  echo "$line"
done
median() { printf '%s\n' $1 | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
ma="$(median "${times[a]}")"; mb="$(median "${times[b]}")"; mc="$(median "${times[c]}")"
echo "RESULT rounds=$rounds median_ms_per_128: a=$ma b=$mb c=$mc; per row a=$(awk -v x="$ma" 'BEGIN {printf "%.1f", x * 1000 / 128}') b=$(awk -v x="$mb" 'BEGIN {printf "%.1f", x * 1000 / 128}') c=$(awk -v x="$mc" 'BEGIN {printf "%.1f", x * 1000 / 128}') µs; a/b=$(awk -v a="$ma" -v b="$mb" 'BEGIN {printf "%.2f", a / b}') a/c=$(awk -v a="$ma" -v b="$mc" 'BEGIN {printf "%.2f", a / b}') load: $(cut -d' ' -f1-3 /proc/loadavg)"
"${psql[@]}" -At -c "SELECT relname || ': ' || n_tup_upd || ' updates, ' || n_tup_hot_upd || ' HOT' FROM pg_stat_user_tables WHERE relname IN ('customers', 'b_customers', 'c_totals') ORDER BY 1"
