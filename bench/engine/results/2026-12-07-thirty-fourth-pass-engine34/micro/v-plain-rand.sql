WITH u AS MATERIALIZED (SELECT n, 'store_9tmv8t7614cpjtpn9rkx'::text AS s, 'evt_' || substr(md5(random()::text), 1, 20) AS i, NULL::text AS k,
   CASE WHEN n % 10 < 3 THEN 'order.completed' WHEN n % 10 < 5 THEN 'cart.updated' ELSE 'page.viewed' END AS t,
   'cust_' || substr(md5(random()::text), 1, 20) AS c, clock_timestamp() AS o,
   CASE WHEN n % 10 < 3 THEN jsonb_build_object('order_id', 'o' || substr(md5(random()::text), 1, 12), 'total', 42.5, 'items', jsonb_build_array(jsonb_build_object('product_id', 'p1', 'price', 42.5)))
        ELSE jsonb_build_object('url', '/p/' || n) END AS d
   FROM generate_series(1, 28) n),
written AS (INSERT INTO events (store_id, id, dedupe_key, type, customer_id, occurred_at, data)
   SELECT u.s, u.i, u.k, u.t, u.c, u.o, u.d FROM u ORDER BY u.n  RETURNING store_id, id, seq, received_at),
announced AS (INSERT INTO notifications (store_id, id, type, customer_id, data, created_at)
   SELECT u.s, u.i, u.t, u.c, jsonb_build_object('event_id', u.i, 'order', u.d), now() FROM u
   WHERE u.t = 'order.completed' AND EXISTS (SELECT 1 FROM written w WHERE w.store_id = u.s AND w.id = u.i)
   ORDER BY u.n ON CONFLICT (store_id, id) DO NOTHING)
SELECT count(*) FROM written;
