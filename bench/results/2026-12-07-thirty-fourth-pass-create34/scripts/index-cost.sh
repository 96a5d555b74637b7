#!/usr/bin/env bash
# index-cost.sh OUT (create34): what each of the customers INSERT's index entries and trigger-written rows costs
# PostgreSQL. On d-base's copy of the 1M set, for
# each variant runs, inside BEGIN ... ROLLBACK (the set is left as it was; DDL is transactional), 100 INSERTs of 32
# customers each (bench-like rows: ~50-character email, names, phone, one tag, {"source":"web"}), timed by
# clock_timestamp() around the loop; 5 repetitions a variant, alternated. Variants drop one index or disable one
# trigger first. PostgreSQL is Shoal's embedded one (an idle server on d-base). Run under benchlock -x.
set -uo pipefail
W=/work/create34-work; OUT=$1; mkdir -p $(dirname $OUT)
# the embedded PostgreSQL through an idle Shoal server (main's jar) on d-base
$W/scripts/start.sh base $W/base.jar 19040 >> $OUT || exit 1
trap 'kill $(cat $W/run/base.pid); sleep 8' EXIT
export PGPASSWORD=postgres; P="psql -w -h 127.0.0.1 -p 19042 -U postgres -d postgres -X -q -At"
$P -c "SELECT indexrelid::regclass, pg_size_pretty(pg_relation_size(indexrelid)) FROM pg_index WHERE indrelid IN ('customers'::regclass, 'customer_search'::regclass, 'customer_facets'::regclass, 'customer_activity'::regclass) ORDER BY 1" >> $OUT
$P -c "SELECT tgrelid::regclass, tgname FROM pg_trigger WHERE NOT tgisinternal AND tgrelid = 'customers'::regclass" >> $OUT
STORE=$(grep STORE_ID /work/lead33-work/bench/data/bench-seed/store.env | cut -d= -f2)
run() { # name, setup sql
  $P <<SQL
BEGIN;
$2
CREATE TEMP TABLE t0 ON COMMIT DROP AS SELECT clock_timestamp() AS t;
DO \$\$
DECLARE b int;
BEGIN
  FOR b IN 1..100 LOOP
    INSERT INTO customers (store_id, id, email, first_name, last_name, phone, external_id, timezone, tags, address, metadata, email_consent, sms_consent, push_consent)
    SELECT '$STORE', 'cus_ic' || b || '_' || g || '_' || md5(random()::text), 'jennifer.mcallister.' || md5(random()::text) || '.' || b || g || '@bench-create.example',
      'Jennifer', 'McAllister', '+1415' || lpad((random()*9999999)::int::text, 7, '0'), NULL, 'America/New_York',
      ARRAY['newsletter'], NULL, '{"source":"web"}'::jsonb, true, false, false
    FROM generate_series(1, 32) g;
  END LOOP;
END
\$\$;
SELECT '$1', round(extract(epoch FROM clock_timestamp() - t) * 1000 / 3200, 4) AS ms_per_customer FROM t0;
ROLLBACK;
SQL
}
V=(
 "all|"
 "no_search_trigram|DROP INDEX customer_search_folded;"
 "no_search_trigger|ALTER TABLE customers DISABLE TRIGGER customer_search_of_added_customers;"
 "no_facets_trigger|ALTER TABLE customers DISABLE TRIGGER customer_facets_of_added_customers;"
 "no_tags_gin|DROP INDEX customers_tags;"
 "no_metadata_gin|DROP INDEX customers_metadata;"
 "no_email_unique|DROP INDEX customers_email;"
 "no_search_no_facets|ALTER TABLE customers DISABLE TRIGGER customer_search_of_added_customers; ALTER TABLE customers DISABLE TRIGGER customer_facets_of_added_customers;"
 "search_trigram_no_fastupdate|ALTER INDEX customer_search_folded SET (fastupdate = off);"
)
for rep in 1 2 3 4 5; do
  for v in "${V[@]}"; do run "${v%%|*}" "${v#*|}" >> $OUT 2>&1; done
done
