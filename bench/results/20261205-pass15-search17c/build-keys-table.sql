\timing on
SET maintenance_work_mem = '512MB';
CREATE TABLE s17c_keys_full (store_id text NOT NULL, key text COLLATE "C" NOT NULL, created_at timestamptz NOT NULL, customer_id text NOT NULL);
INSERT INTO s17c_keys_full SELECT c.store_id, k, c.created_at, c.id FROM customers c, s17c_keys(c.search_text) k;
ALTER TABLE s17c_keys_full ADD PRIMARY KEY (store_id, key, created_at, customer_id);
VACUUM (ANALYZE) s17c_keys_full;
SELECT pg_size_pretty(pg_relation_size('s17c_keys_full')) heap, pg_size_pretty(pg_indexes_size('s17c_keys_full')) idx, (SELECT count(*) FROM s17c_keys_full) n;
