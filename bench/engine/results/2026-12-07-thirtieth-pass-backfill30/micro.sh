#!/usr/bin/env bash
# micro.sh: the lean statement's PostgreSQL cost alone (scratch PostgreSQL 14 = the embedded binaries, V74's function
# and trigger), 100,000 state rows of 1-244 numbers of 1..1000 (~122), since-times, 171 state bytes, packed;
# each variant appends number 1001 to 70,000 of them in 35 statements of 2,000 rows (as the evaluator sends them).
# new = this pass (packed kept), b29 = backfill29's (trigger NULLs packed), null = backfill29's setting packed NULL itself.
set -euo pipefail
cd /work/backfill30-work/micro
PG_BIN=$(ls -d /tmp/embedded-pg/*/bin | head -1); export PG_BIN
. /work/wt/backfill30/bench/engine/scratch-pg.sh
scratch_pg_start bf30micro
psql=(/usr/bin/psql "${psql[@]:1}")
P=("${psql[@]}" -d postgres)
sed -n '/^CREATE FUNCTION segment_nums_pack/,/^\$\$;/p; /^CREATE FUNCTION customer_eval_state_unpack/,/^  EXECUTE FUNCTION/p' \
  /work/wt/backfill30/src/main/resources/db/migration/V74__segment_nums_packed.sql > v74.sql
"${P[@]}" <<'SQL'
CREATE TABLE customer_eval_state (store_id text NOT NULL, customer_id text NOT NULL, last_seen_at timestamptz, state jsonb,
  state_bin bytea, cart jsonb, segment_nums integer[], segment_since timestamptz[], PRIMARY KEY (store_id, customer_id));
ALTER TABLE customer_eval_state ADD COLUMN segment_nums_packed bytea;
SQL
"${P[@]}" -f v74.sql
"${P[@]}" <<'SQL'
CREATE TABLE master AS SELECT 'store_qmzqxfteqvvwabbenb6j'::text AS store_id, 'cus_' || md5(i::text) AS customer_id,
  now() AS last_seen_at, NULL::jsonb AS state, decode(repeat(md5(i::text), 6), 'hex')::bytea || '\x0102030405'::bytea AS state_bin, NULL::jsonb AS cart,
  nums AS segment_nums, array_fill(now() - interval '1 day', ARRAY[cardinality(nums)]) AS segment_since,
  segment_nums_pack(nums) AS segment_nums_packed
  FROM (SELECT i, ARRAY(SELECT n FROM generate_series(1, 1000) n WHERE random() < (1 + i % 244) / 1000.0 ORDER BY n) AS nums
        FROM generate_series(1, 100000) i) g;
SELECT avg(cardinality(segment_nums)), avg(pg_column_size(m.*)), max(pg_column_size(m.*)) FROM master m;
SQL
for f in new b29 null; do
  sql=$(cat lean-$f.sql)
  { echo "PREPARE lean(text[], text[], bytea[], text[], text[], bytea[]) AS $sql;"
    "${P[@]}" -A -t -c "SELECT format('EXECUTE lean(%L, %L, %L, %L, %L, %L);', array_agg(store_id), array_agg(customer_id), array_agg(NULL::bytea), array_agg('1001'), array_agg(NULL::text), array_agg(NULL::bytea)) FROM (SELECT *, row_number() OVER () - 1 AS r FROM master WHERE random() < 0.7 LIMIT 70000) m GROUP BY r / 2000"
  } > run-$f.sql
done
echo "load $(cat /proc/loadavg)"
for k in 1 2; do
  for f in new b29 null; do
    "${P[@]}" -c "TRUNCATE customer_eval_state" -c "INSERT INTO customer_eval_state SELECT * FROM master" -c "VACUUM ANALYZE customer_eval_state" -c "CHECKPOINT"
    t0=$(date +%s.%N)
    "${P[@]}" -f run-$f.sql > /dev/null
    t1=$(date +%s.%N)
    bad=$("${P[@]}" -A -t -c "SELECT count(*) FILTER (WHERE segment_nums_packed IS NULL), count(*) FILTER (WHERE 1001 = segment_nums[cardinality(segment_nums)]) FROM customer_eval_state")
    echo "round $k $f: $(echo "$t1 - $t0" | bc) s (unpacked, appended: $bad) load $(cut -d' ' -f1 /proc/loadavg)"
  done
done
