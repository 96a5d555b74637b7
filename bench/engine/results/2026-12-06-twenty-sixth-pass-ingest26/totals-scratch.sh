#!/usr/bin/env bash
# ingest26: the customers totals update (CustomerAggregates.SQL_UPDATE) on a copy of counts25's 30k x 1,000 seed
# (Shoal's real customers rows and indexes, PostgreSQL 14 embedded binaries, fsync on), each variant inside a
# transaction that drops some indexes first and is rolled back, so every variant sees the same table.
# Each round: 128 random customers (one order more), variants in rotating order; the UPDATE's time and its WAL.
set -u
J=/work/ingest26-work/totals
BIN=$(ls -d /tmp/embedded-pg/*/bin | head -1)
ROUNDS=${1:-20}
D=$J/data
rm -f $J/rounds.tsv; rm -rf $D && cp -a /work/counts25-work/seed/pg $D && rm -f $D/postmaster.pid && chown -R postgres:postgres $D && chmod 700 $D
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
runuser -u postgres -- $BIN/pg_ctl -D $D -l $D/pg.log -w -o "-p $PORT -k /tmp -c listen_addresses=127.0.0.1" start >/dev/null
trap 'runuser -u postgres -- $BIN/pg_ctl -D $D -m fast stop >/dev/null; rm -rf $D' EXIT
export PGPASSWORD=postgres
P=(/usr/bin/psql -h 127.0.0.1 -p $PORT -U postgres -X -q -At)
"${P[@]}" -c "SELECT indexrelid::regclass, pg_size_pretty(pg_relation_size(indexrelid)) FROM pg_index WHERE indrelid = 'customers'::regclass" > $J/indexes.txt
"${P[@]}" -c "SELECT count(*), count(*) FILTER (WHERE total_orders > 0), pg_size_pretty(pg_relation_size('customers')), (SELECT reloptions FROM pg_class WHERE relname='customers') FROM customers" >> $J/indexes.txt
declare -A drop=(
  [all]=""
  [no_sort]="DROP INDEX customers_by_spent, customers_by_orders, customers_by_last_order;"
  [no_trgm]="DROP INDEX customers_search_folded_text;"
  [no_gin]="DROP INDEX customers_search_folded_text, customers_tags, customers_metadata;"
  [no_wide]="DROP INDEX customers_by_created_search;"
)
variants=(all no_sort no_trgm no_gin no_wide)
for ((r = 0; r < ROUNDS; r++)); do
  pick=$("${P[@]}" -c "SELECT array_agg(store_id)::text, array_agg(id)::text, array_agg(total_orders + 1)::text, array_agg((coalesce(total_spent, 0) + 25.5)::text)::text, array_agg(coalesce(first_order_at, now()))::text, array_agg(now())::text FROM (SELECT * FROM customers ORDER BY random() LIMIT 128) c" -F'|')
  IFS='|' read -r s id n sp f l <<< "$pick"
  for ((k = 0; k < ${#variants[@]}; k++)); do
    v=${variants[$(( (k + r) % ${#variants[@]} ))]}
    out=$("${P[@]}" <<SQL
BEGIN;
${drop[$v]}
SELECT n_tup_hot_upd FROM pg_stat_xact_user_tables WHERE relname = 'customers';
EXPLAIN (ANALYZE, WAL, COSTS OFF, FORMAT JSON) UPDATE customers c SET total_orders = u.n, total_spent = u.spent::numeric, first_order_at = u.f, last_order_at = u.l
 FROM unnest('$s'::text[], '$id'::text[], '$n'::int[], '$sp'::text[], '$f'::timestamptz[], '$l'::timestamptz[]) AS u(s, id, n, spent, f, l)
 WHERE c.store_id = u.s AND c.id = u.id;
SELECT n_tup_hot_upd FROM pg_stat_xact_user_tables WHERE relname = 'customers';
ROLLBACK;
SQL
)
    python3 - "$v" "$r" <<PY >> $J/rounds.tsv
import json, sys, re
txt = '''$out'''
lines = txt.strip().split('\n')
hot = int(lines[-1]) - int(lines[0])
j = json.loads('\n'.join(lines[1:-1]))[0]
p = j['Plan']
print(sys.argv[1], sys.argv[2], round(j['Execution Time'], 2), p.get('WAL Records'), p.get('WAL Bytes'), p.get('WAL FPI'), hot, sep='\t')
PY
  done
done
python3 - <<'PY' | tee $J/summary.txt
import statistics, collections
d = collections.defaultdict(list)
for line in open('/work/ingest26-work/totals/rounds.tsv'):
    v, r, ms, rec, b, fpi, hot = line.split('\t')
    d[v].append((float(ms), int(rec), int(b), int(fpi), int(hot)))
base = statistics.median(x[0] for x in d['all'])
print('variant\trounds\tms_median(128 rows)\tus_per_row\tvs_all\twal_records_med\twal_bytes_med\tfpi_med\thot_med')
for v, xs in d.items():
    m = statistics.median(x[0] for x in xs)
    print(v, len(xs), round(m, 2), round(m * 1000 / 128, 1), round(m / base, 2), statistics.median(x[1] for x in xs),
          statistics.median(x[2] for x in xs), statistics.median(x[3] for x in xs), statistics.median(x[4] for x in xs), sep='\t')
PY
