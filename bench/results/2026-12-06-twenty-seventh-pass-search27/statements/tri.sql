PREPARE m(text, text, text, int8, int8) AS WITH hits AS MATERIALIZED (SELECT id AS hid, (created_at) AS hk FROM customers WHERE store_id = $1 AND search_folded LIKE $2 AND strpos(search_text, $3) > 0 LIMIT $4) SELECT h.hid AS id, (h.hk)::text AS sort_key, (SELECT count(*) FROM hits) AS match_count FROM (SELECT hid, hk FROM hits ORDER BY hk DESC, hid DESC LIMIT $5) h ORDER BY h.hk DESC, h.hid DESC;
EXPLAIN (ANALYZE, BUFFERS) EXECUTE m('store_m1kz34eemsw123pmnxmv', '%black%', 'black', 5001, 26);
EXPLAIN (ANALYZE, BUFFERS) EXECUTE m('store_m1kz34eemsw123pmnxmv', '%black%', 'black', 5001, 26);
EXPLAIN (ANALYZE, BUFFERS) EXECUTE m('store_m1kz34eemsw123pmnxmv', '%becker%', 'becker', 5001, 26);
