#!/usr/bin/env bash
# engine34 micro: the event log's group-commit statement (28 events, 30 % orders with their notification) in four forms:
# conflict = INSERT ... ON CONFLICT DO NOTHING (main) or a plain INSERT; rand = random ids (Ids.newId) or ordered
# (time first, as Ids.newRecordId). Writes v-<conflict>-<ids>.sql for pgbench.
set -eu
STORE=$1
for c in conflict plain; do for ids in rand ordered; do
  oc=""; [ $c = conflict ] && oc="ON CONFLICT DO NOTHING"
  if [ $ids = rand ]; then idx="'evt_' || substr(md5(random()::text), 1, 20)"; else idx="'evt_' || lpad(to_hex((extract(epoch from clock_timestamp()) * 1000000)::bigint), 14, '0') || lpad(n::text, 2, '0') || substr(md5(random()::text), 1, 6)"; fi
  cat > v-$c-$ids.sql <<SQL
WITH u AS MATERIALIZED (SELECT n, '$STORE'::text AS s, $idx AS i, NULL::text AS k,
   CASE WHEN n % 10 < 3 THEN 'order.completed' WHEN n % 10 < 5 THEN 'cart.updated' ELSE 'page.viewed' END AS t,
   'cust_' || substr(md5(random()::text), 1, 20) AS c, clock_timestamp() AS o,
   CASE WHEN n % 10 < 3 THEN jsonb_build_object('order_id', 'o' || substr(md5(random()::text), 1, 12), 'total', 42.5, 'items', jsonb_build_array(jsonb_build_object('product_id', 'p1', 'price', 42.5)))
        ELSE jsonb_build_object('url', '/p/' || n) END AS d
   FROM generate_series(1, 28) n),
written AS (INSERT INTO events (store_id, id, dedupe_key, type, customer_id, occurred_at, data)
   SELECT u.s, u.i, u.k, u.t, u.c, u.o, u.d FROM u ORDER BY u.n $oc RETURNING store_id, id, seq, received_at),
announced AS (INSERT INTO notifications (store_id, id, type, customer_id, data, created_at)
   SELECT u.s, u.i, u.t, u.c, jsonb_build_object('event_id', u.i, 'order', u.d), now() FROM u
   WHERE u.t = 'order.completed' AND EXISTS (SELECT 1 FROM written w WHERE w.store_id = u.s AND w.id = u.i)
   ORDER BY u.n ON CONFLICT (store_id, id) DO NOTHING)
SELECT count(*) FROM written;
SQL
done; done
