\timing on
SET enable_nestloop = off; SET enable_hashjoin = off;
PREPARE mj(text, text, text) AS SELECT a.customer_id AS id, (a.created_at)::text AS sort_key FROM customer_facets a JOIN customer_facets b ON b.store_id = a.store_id AND b.created_at = a.created_at AND b.customer_id = a.customer_id
 WHERE a.store_id = $1 AND a.facet = $2 AND b.store_id = $1 AND b.facet = $3 ORDER BY a.created_at DESC, a.customer_id DESC LIMIT 26;
EXPLAIN (ANALYZE, BUFFERS) EXECUTE mj('store_m1kz34eemsw123pmnxmv', 'm{"referrer": "campaign_3"}', 'm{"source": "import"}');
EXPLAIN (ANALYZE, BUFFERS) EXECUTE mj('store_m1kz34eemsw123pmnxmv', 'm{"referrer": "campaign_3"}', 'm{"source": "import"}');
EXPLAIN (ANALYZE, BUFFERS) EXECUTE mj('store_m1kz34eemsw123pmnxmv', 'tvip', 'tnewsletter');
EXPLAIN (ANALYZE, BUFFERS) EXECUTE mj('store_m1kz34eemsw123pmnxmv', 'tvip', 'tnewsletter');
