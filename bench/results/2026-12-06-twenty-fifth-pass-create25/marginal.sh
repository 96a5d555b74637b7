#!/usr/bin/env bash
# marginal.sh PORT DROP... : one session, 4,000 customers in statements of 8 (time-ordered ids), one transaction rolled back,
# with the given indexes dropped (trigger = facets trigger disabled, fk = the stores FK dropped)
port=$1; shift
IDX="'cust_' || lpad(to_hex((extract(epoch FROM clock_timestamp()) * 1000000)::bigint), 14, '0') || substr(md5(random()::text), 1, 6)"
drops=""; for d in "$@"; do case $d in trigger) drops="$drops ALTER TABLE customers DISABLE TRIGGER customer_facets_of_added_customers;";; fk) drops="$drops ALTER TABLE customers DROP CONSTRAINT customers_store_id_fkey;";; *) drops="$drops DROP INDEX $d;";; esac; done
PGPASSWORD=postgres psql -w -h 127.0.0.1 -p $port -U postgres -d postgres -XAtq <<SQL
BEGIN;
$drops
SELECT pg_current_wal_insert_lsn() AS l0, clock_timestamp() AS t0 \gset
DO \$\$ BEGIN FOR i IN 1..500 LOOP
INSERT INTO customers (store_id, id, email, first_name, last_name, phone, timezone, tags, metadata, email_consent)
SELECT 'store_m1kz34eemsw123pmnxmv', $IDX,
  lower(substr(f, 1, 1) || l) || (random() * 1e6)::int || '.' || substr(md5(random()::text), 1, 5) || '@gmail.com', f, l,
  '+1415' || lpad((random() * 1e7)::int::text, 7, '0'), 'America/New_York', '{newsletter}', '{"source":"web"}', true
FROM (SELECT (ARRAY['John','Mary','James','Linda','Robert','Emma','Lukas','Sofia','Wei','Priya','Carlos','Chloe','Ivan','Aisha','Hiroshi','Giulia'])[1 + floor(random() * 16)::int] f,
             (ARRAY['Smith','Garcia','Nguyen','Mueller','Rossi','Kowalski','Patel','Tanaka','Johnson','Dubois','Andersen','Silva','Kim','OBrien','Brown','Lopez'])[1 + floor(random() * 16)::int] l
      FROM generate_series(1, 8)) g;
END LOOP; END \$\$;
SELECT '${*:-none}', round(extract(epoch FROM clock_timestamp() - :'t0') * 1000 / 4000, 4) AS ms_per_row, pg_wal_lsn_diff(pg_current_wal_insert_lsn(), :'l0') / 4000 AS wal_per_row;
ROLLBACK;
SQL
