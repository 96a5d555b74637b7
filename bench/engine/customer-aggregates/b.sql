BEGIN;
UPDATE b_customers c SET total_orders = u.n, total_spent = u.spent::numeric, first_order_at = u.f, last_order_at = u.l
FROM unnest(:'s'::text[], :'id'::text[], :'n'::int[], :'spent'::text[], :'f'::timestamptz[], :'l'::timestamptz[])
AS u(s, id, n, spent, f, l) WHERE c.store_id = u.s AND c.id = u.id;
COMMIT;
