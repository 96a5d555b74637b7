\set term 'olson'
PREPARE w(text, text) AS
SELECT id, email, first_name, last_name, phone, external_id, timezone, tags, address, metadata, email_consent, sms_consent, push_consent, total_orders, total_spent, first_order_at, last_order_at, created_at, updated_at, state.last_seen_at, state.cart, (created_at)::text AS sort_key FROM
 (SELECT hid, hk FROM (SELECT id AS hid, (created_at) AS hk, search_text FROM customers WHERE store_id = (SELECT $1::text) ORDER BY created_at DESC, id DESC LIMIT 20000) r
  WHERE true AND strpos(r.search_text, (SELECT $2::text)) > 0 ORDER BY hk DESC, hid DESC LIMIT 26) h
 JOIN customers ON customers.store_id = (SELECT $1::text) AND customers.id = h.hid
 LEFT JOIN LATERAL (SELECT s.last_seen_at, s.cart FROM customer_eval_state s WHERE s.store_id = customers.store_id AND s.customer_id = customers.id) state ON true
 ORDER BY h.hk DESC, h.hid DESC;
