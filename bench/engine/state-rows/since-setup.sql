-- Issue 14, state rows without the since join: 30,000 customers in ~12 % of 1,000 segments (bench/engine's mean), state rows as
-- V60-V63 keep them (old_state); since.sh copies it for the other variants (new.sql puts the lists in order).
-- state_bin ~300 bytes, since-times a few distinct instants a customer.
SET client_min_messages = warning;
DROP TABLE IF EXISTS customers, old_state, new_state CASCADE;
CREATE TABLE customers (store_id text, id text, PRIMARY KEY (store_id, id));
INSERT INTO customers SELECT 'store_xh5kmyf6np23a8c0q42h', 'cus_' || substr(md5('c' || n), 1, 20) FROM generate_series(1, 30000) n;
CREATE TABLE old_state (store_id text NOT NULL, customer_id text NOT NULL, last_seen_at timestamptz, state jsonb,
  state_bin bytea, cart jsonb, segment_since timestamptz[], segment_nums int[], PRIMARY KEY (store_id, customer_id),
  FOREIGN KEY (store_id, customer_id) REFERENCES customers(store_id, id) ON DELETE CASCADE);
CREATE TEMP TABLE mem AS SELECT c.id AS cid, array_agg(s ORDER BY hashtext(c.id || s::text)) nums
  FROM customers c CROSS JOIN LATERAL generate_series(1, 1000) s WHERE (hashtext(c.id || s::text) & 1023) < 123 GROUP BY c.id;
-- since times: a few distinct instants a customer (backfills and flips at different times)
INSERT INTO old_state SELECT c.store_id, c.id, now(), NULL, decode(repeat(md5(c.id), 19), 'hex'), '{"items":[]}',
  (SELECT array_agg(now() - (hashtext(c.id || u::text) & 7) * interval '1 day' ORDER BY k) FROM unnest(m.nums) WITH ORDINALITY x(u, k)), m.nums
  FROM customers c JOIN mem m ON m.cid = c.id;
