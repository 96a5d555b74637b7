-- Issue 14, V60: 30,000 customers in ~12 % of 1,000 segments (bench/engine's mean), their state rows
-- with memberships as segment ids (a_state, as before V60) and as segment numbers (b_state, V60).
DROP TABLE IF EXISTS segs, customers, a_state, b_state CASCADE;
CREATE TABLE segs (num int PRIMARY KEY, id text UNIQUE);
INSERT INTO segs SELECT n, 'seg_' || substr(md5(n::text), 1, 20) FROM generate_series(1, 1000) n;
CREATE TABLE customers (store_id text, id text, PRIMARY KEY (store_id, id));
INSERT INTO customers SELECT 'store_xh5kmyf6np23a8c0q42h', 'cus_' || substr(md5('c' || n), 1, 20) FROM generate_series(1, 30000) n;
CREATE TABLE a_state (store_id text NOT NULL, customer_id text NOT NULL, last_seen_at timestamptz, state jsonb,
  state_bin bytea, cart jsonb, segment_ids text[], segment_since timestamptz[], PRIMARY KEY (store_id, customer_id),
  FOREIGN KEY (store_id, customer_id) REFERENCES customers(store_id, id) ON DELETE CASCADE);
CREATE TABLE b_state (store_id text NOT NULL, customer_id text NOT NULL, last_seen_at timestamptz, state jsonb,
  state_bin bytea, cart jsonb, segment_nums int[], segment_since timestamptz[], PRIMARY KEY (store_id, customer_id),
  FOREIGN KEY (store_id, customer_id) REFERENCES customers(store_id, id) ON DELETE CASCADE);
CREATE TEMP TABLE mem AS SELECT c.id AS cid, array_agg(s.num ORDER BY s.num) nums
  FROM customers c CROSS JOIN LATERAL (SELECT num FROM segs WHERE (hashtext(c.id || num::text) & 1023) < 123) s GROUP BY c.id;
INSERT INTO a_state SELECT c.store_id, c.id, now(), NULL, decode(repeat(md5(c.id), 5), 'hex'), '{"items":[]}',
  (SELECT array_agg(s.id ORDER BY s.num) FROM segs s WHERE s.num = ANY(m.nums)), array_fill(now(), ARRAY[cardinality(m.nums)])
  FROM customers c JOIN mem m ON m.cid = c.id;
INSERT INTO b_state SELECT c.store_id, c.id, now(), NULL, decode(repeat(md5(c.id), 5), 'hex'), '{"items":[]}',
  m.nums, array_fill(now(), ARRAY[cardinality(m.nums)]) FROM customers c JOIN mem m ON m.cid = c.id;
VACUUM ANALYZE a_state; VACUUM ANALYZE b_state; VACUUM ANALYZE customers;
SELECT 'a', avg(pg_column_size(a.*))::int, pg_size_pretty(pg_total_relation_size('a_state')) FROM a_state a
UNION ALL SELECT 'b', avg(pg_column_size(b.*))::int, pg_size_pretty(pg_total_relation_size('b_state')) FROM b_state b;
