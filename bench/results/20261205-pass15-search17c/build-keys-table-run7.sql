\timing on
SET maintenance_work_mem = '512MB';
CREATE TABLE s17c_keys_r7 (store_id text NOT NULL, key text COLLATE "C" NOT NULL, created_at timestamptz NOT NULL, customer_id text NOT NULL);
INSERT INTO s17c_keys_r7 SELECT c.store_id, k, c.created_at, c.id FROM customers c, s17c_keys(c.search_text) k WHERE k ~ '^[^\t\n\v\f\r !-/:-@[-`{-~]{7}';
ALTER TABLE s17c_keys_r7 ADD PRIMARY KEY (store_id, key, created_at, customer_id);
VACUUM (ANALYZE) s17c_keys_r7;
SELECT pg_size_pretty(pg_relation_size('s17c_keys_r7')) heap, pg_size_pretty(pg_indexes_size('s17c_keys_r7')) idx, (SELECT count(*) FROM s17c_keys_r7) n;
