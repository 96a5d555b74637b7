PREPARE r(text, text, text, int8, float8, text, int8) AS
WITH span AS MATERIALIZED (SELECT max(created_at) AS hi, min(created_at) AS lo FROM customer_search WHERE store_id = $1),
near AS MATERIALIZED (SELECT id AS hid, created_at AS hk FROM customer_search WHERE store_id = $1 AND search_folded LIKE $2 AND strpos(search_text, $3) > 0
   AND created_at >= (SELECT coalesce($6::timestamptz, hi) - (hi - lo) * $5 FROM span) LIMIT $4),
hits AS MATERIALIZED (SELECT hid, hk FROM near WHERE (SELECT count(*) FROM near) >= $7
   UNION ALL (SELECT id, created_at FROM customer_search WHERE store_id = $1 AND search_folded LIKE $2 AND strpos(search_text, $3) > 0 AND (SELECT count(*) FROM near) < $7 LIMIT $4))
SELECT h.hid AS id, (h.hk)::text AS sort_key, (SELECT count(*) FROM hits) AS match_count FROM (SELECT hid, hk FROM hits ORDER BY hk DESC, hid DESC LIMIT $7) h ORDER BY h.hk DESC, h.hid DESC;
EXPLAIN (ANALYZE, BUFFERS) EXECUTE r('store_m1kz34eemsw123pmnxmv', '%black%', 'black', 5001, 0.088, null, 26);
EXPLAIN (ANALYZE, BUFFERS) EXECUTE r('store_m1kz34eemsw123pmnxmv', '%black%', 'black', 5001, 0.001, null, 26);
