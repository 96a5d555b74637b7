PREPARE nt(text, text[], jsonb) AS
WITH stats AS MATERIALIZED (SELECT most_common_vals::text::text[] AS vals, most_common_freqs AS freqs FROM pg_stats WHERE schemaname = current_schema() AND tablename = 'customer_facets' AND attname = 'facet'), wanted AS MATERIALIZED (SELECT f, coalesce((SELECT freqs[array_position(vals, w.f)] FROM stats), 0) AS n FROM (SELECT f FROM customer_facets_of((SELECT $2::text[])::text[], (SELECT $3::jsonb)::jsonb) w(f)) w), drive AS MATERIALIZED (SELECT f FROM wanted ORDER BY n, f LIMIT 1), others AS MATERIALIZED (SELECT array_agg(f) AS fs, count(*) AS n FROM wanted WHERE f <> (SELECT f FROM drive)) , choice AS MATERIALIZED (SELECT (min(n) = 0) = (max(n) = 0) AND max(n) <= 20.0 * min(n) AS merge FROM wanted)
SELECT h.hid AS id, (h.hk)::text AS sort_key, (SELECT merge FROM choice) AS merged FROM
(SELECT * FROM (SELECT hid, hk FROM (SELECT d.customer_id AS hid, d.created_at AS hk FROM customer_facets d WHERE d.store_id = (SELECT $1::text) AND d.facet = (SELECT f FROM drive) ORDER BY d.created_at DESC, d.customer_id DESC LIMIT 2000) e
  JOIN (SELECT o.customer_id AS oid, o.created_at AS ok FROM customer_facets o WHERE o.store_id = (SELECT $1::text) AND o.facet = (SELECT fs[1] FROM others) ORDER BY o.created_at DESC, o.customer_id DESC LIMIT 40000) x ON x.ok = e.hk AND x.oid = e.hid
  WHERE (SELECT merge FROM choice) ORDER BY hk DESC, hid DESC LIMIT 26) m
 UNION ALL SELECT * FROM (SELECT hid, hk FROM (SELECT hid, hk FROM (SELECT d.customer_id AS hid, d.created_at AS hk FROM customer_facets d WHERE d.store_id = (SELECT $1::text) AND d.facet = (SELECT f FROM drive) ORDER BY d.created_at DESC, d.customer_id DESC LIMIT 2000) e
   WHERE true AND (SELECT count(*) FROM customer_facets g WHERE g.store_id = (SELECT $1::text) AND g.facet = ANY((SELECT fs FROM others)::text[]) AND g.created_at = e.hk AND g.customer_id = e.hid) = (SELECT n FROM others) ORDER BY hk DESC, hid DESC LIMIT 26) p
 WHERE NOT (SELECT merge FROM choice)) q) h ORDER BY h.hk DESC, h.hid DESC;
EXECUTE nt('store_m1kz34eemsw123pmnxmv', '{}', '{"source":"import","referrer":"campaign_3"}');
EXECUTE nt('store_m1kz34eemsw123pmnxmv', '{}', '{"source":"import","referrer":"campaign_3"}');
EXECUTE nt('store_m1kz34eemsw123pmnxmv', '{}', '{"source":"import","referrer":"campaign_3"}');
EXECUTE nt('store_m1kz34eemsw123pmnxmv', '{}', '{"source":"import","referrer":"campaign_3"}');
EXECUTE nt('store_m1kz34eemsw123pmnxmv', '{}', '{"source":"import","referrer":"campaign_3"}');
EXECUTE nt('store_m1kz34eemsw123pmnxmv', '{}', '{"source":"import","referrer":"campaign_3"}');
EXECUTE nt('store_m1kz34eemsw123pmnxmv', '{}', '{"source":"import","referrer":"campaign_3"}');
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) EXECUTE nt('store_m1kz34eemsw123pmnxmv', '{}', '{"source":"import","referrer":"campaign_3"}');
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) EXECUTE nt('store_m1kz34eemsw123pmnxmv', '{vip,newsletter}', '{}');
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) EXECUTE nt('store_m1kz34eemsw123pmnxmv', '{vip,b2b}', '{}');
select generic_plans, custom_plans from pg_prepared_statements;
