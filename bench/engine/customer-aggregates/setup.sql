-- Issue 14: the evaluator's customers aggregates update, on Shoal's own customers table (migrated),
-- against the same rows without the indexes over the aggregates, and against a narrow table of
-- the aggregates alone. 30,000 customers of one store with names, e-mails, phones, tags,
-- metadata and an address (what the indexes hold), a third with orders.
SET client_min_messages = warning;
INSERT INTO stores (id, name) VALUES ('store_xh5kmyf6np23a8c0q42h', 'Bench') ON CONFLICT DO NOTHING;
INSERT INTO customers (store_id, id, email, first_name, last_name, phone, external_id, tags, address, metadata,
  total_orders, total_spent, first_order_at, last_order_at, created_at)
SELECT 'store_xh5kmyf6np23a8c0q42h', 'cus_' || substr(md5('c' || n), 1, 20), 'user' || n || '@shop' || (n % 97) || '.example',
  (ARRAY['Ann','Bob','Cem','Dana','Eli','Fay','Gus','Hana'])[1 + n % 8], 'Lee-' || substr(md5('l' || n), 1, 8),
  '+4930' || (1000000 + n), 'ext-' || n, ARRAY['tag_' || (n % 20), 'tag_' || (n % 7 + 30)],
  jsonb_build_object('city', 'City ' || (n % 50), 'country', (ARRAY['DE','FR','NL','US'])[1 + n % 4], 'zip', (10000 + n % 900)::text),
  jsonb_build_object('tier', (ARRAY['gold','silver','bronze'])[1 + n % 3], 'source', 'src_' || (n % 11)),
  n % 3, (n % 3) * 41.5, CASE WHEN n % 3 > 0 THEN now() - interval '200 days' END,
  CASE WHEN n % 3 > 0 THEN now() - (n % 180) * interval '1 day' END, now() - (n % 700) * interval '1 day'
FROM generate_series(1, 30000) n;
-- b: the same rows and indexes, less the three over the aggregates (by_spent, by_orders, by_last_order)
DROP TABLE IF EXISTS b_customers, c_totals;
CREATE TABLE b_customers (LIKE customers INCLUDING ALL);
DROP INDEX IF EXISTS b_customers_store_id_total_spent_id_idx, b_customers_store_id_total_orders_id_idx,
  b_customers_store_id_coalesce_id_idx;
INSERT INTO b_customers (store_id, id, email, first_name, last_name, phone, external_id, timezone, tags, address,
  metadata, email_consent, sms_consent, push_consent, total_orders, total_spent, first_order_at, last_order_at,
  created_at, updated_at, anonymous_id)
SELECT store_id, id, email, first_name, last_name, phone, external_id, timezone, tags, address,
  metadata, email_consent, sms_consent, push_consent, total_orders, total_spent, first_order_at, last_order_at,
  created_at, updated_at, anonymous_id FROM customers;
-- c: the aggregates alone, keyed like customers, with the three sort indexes
CREATE TABLE c_totals (store_id text NOT NULL, customer_id text NOT NULL, total_orders integer NOT NULL DEFAULT 0,
  total_spent numeric(14,2) NOT NULL DEFAULT 0, first_order_at timestamptz, last_order_at timestamptz,
  PRIMARY KEY (store_id, customer_id));
CREATE INDEX ON c_totals (store_id, total_spent, customer_id);
CREATE INDEX ON c_totals (store_id, total_orders, customer_id);
CREATE INDEX ON c_totals (store_id, (coalesce(last_order_at, '-infinity'::timestamptz)), customer_id);
INSERT INTO c_totals SELECT store_id, id, total_orders, total_spent, first_order_at, last_order_at FROM customers;
VACUUM ANALYZE customers; VACUUM ANALYZE b_customers; VACUUM ANALYZE c_totals;
SELECT t, (SELECT count(*) FROM pg_indexes WHERE tablename = t) AS indexes, pg_size_pretty(pg_total_relation_size(t::regclass))
FROM unnest(ARRAY['customers', 'b_customers', 'c_totals']) t;
