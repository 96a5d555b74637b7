-- One batch's input: 128 random customers (bench/engine's mean, 43,119 rows in 337 statements),
-- each with one order more, as the evaluator sends them (the same arrays to each table).
SET client_min_messages = warning;
DROP TABLE IF EXISTS pick;
CREATE TEMP TABLE pick AS SELECT store_id s, id, total_orders + 1 n, (total_spent + 25.5)::text spent,
  coalesce(first_order_at, now()) f, now() l FROM customers ORDER BY random() LIMIT 128;
SELECT array_agg(s) s, array_agg(id) id, array_agg(n) n, array_agg(spent) spent, array_agg(f) f, array_agg(l) l FROM pick \gset
