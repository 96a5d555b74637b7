\echo === tags=subscriber (round 1)
explain (analyze, buffers, costs off)
WITH drive AS MATERIALIZED (SELECT f FROM customer_facets_of('{subscriber}'::text[], '{}'::jsonb) w(f))
SELECT id, (created_at)::text AS sort_key FROM
 (SELECT hid, hk FROM (SELECT d.customer_id AS hid, d.created_at AS hk FROM customer_facets d WHERE d.store_id = 'store_wwhfgxx4gz9v6emdztfh' AND d.facet = (SELECT f FROM drive)
   ORDER BY d.created_at DESC, d.customer_id DESC LIMIT 26) e
  WHERE true ORDER BY hk DESC, hid DESC LIMIT 26) h
 JOIN customers ON customers.store_id = 'store_wwhfgxx4gz9v6emdztfh' AND customers.id = h.hid ORDER BY h.hk DESC, h.hid DESC;
\echo === tags=gift_buyer
explain (analyze, buffers, costs off)
WITH drive AS MATERIALIZED (SELECT f FROM customer_facets_of('{gift_buyer}'::text[], '{}'::jsonb) w(f))
SELECT id, (created_at)::text AS sort_key FROM
 (SELECT hid, hk FROM (SELECT d.customer_id AS hid, d.created_at AS hk FROM customer_facets d WHERE d.store_id = 'store_wwhfgxx4gz9v6emdztfh' AND d.facet = (SELECT f FROM drive)
   ORDER BY d.created_at DESC, d.customer_id DESC LIMIT 26) e
  WHERE true ORDER BY hk DESC, hid DESC LIMIT 26) h
 JOIN customers ON customers.store_id = 'store_wwhfgxx4gz9v6emdztfh' AND customers.id = h.hid ORDER BY h.hk DESC, h.hid DESC;
\echo === tags=vip
explain (analyze, buffers, costs off)
WITH drive AS MATERIALIZED (SELECT f FROM customer_facets_of('{vip}'::text[], '{}'::jsonb) w(f))
SELECT id, (created_at)::text AS sort_key FROM
 (SELECT hid, hk FROM (SELECT d.customer_id AS hid, d.created_at AS hk FROM customer_facets d WHERE d.store_id = 'store_wwhfgxx4gz9v6emdztfh' AND d.facet = (SELECT f FROM drive)
   ORDER BY d.created_at DESC, d.customer_id DESC LIMIT 26) e
  WHERE true ORDER BY hk DESC, hid DESC LIMIT 26) h
 JOIN customers ON customers.store_id = 'store_wwhfgxx4gz9v6emdztfh' AND customers.id = h.hid ORDER BY h.hk DESC, h.hid DESC;
\echo === metadata referrer=campaign_7
explain (analyze, buffers, costs off)
WITH drive AS MATERIALIZED (SELECT f FROM customer_facets_of('{}'::text[], '{"referrer":"campaign_7"}'::jsonb) w(f))
SELECT id, (created_at)::text AS sort_key FROM
 (SELECT hid, hk FROM (SELECT d.customer_id AS hid, d.created_at AS hk FROM customer_facets d WHERE d.store_id = 'store_wwhfgxx4gz9v6emdztfh' AND d.facet = (SELECT f FROM drive)
   ORDER BY d.created_at DESC, d.customer_id DESC LIMIT 26) e
  WHERE true ORDER BY hk DESC, hid DESC LIMIT 26) h
 JOIN customers ON customers.store_id = 'store_wwhfgxx4gz9v6emdztfh' AND customers.id = h.hid ORDER BY h.hk DESC, h.hid DESC;
\echo === metadata source=web
explain (analyze, buffers, costs off)
WITH drive AS MATERIALIZED (SELECT f FROM customer_facets_of('{}'::text[], '{"source":"web"}'::jsonb) w(f))
SELECT id, (created_at)::text AS sort_key FROM
 (SELECT hid, hk FROM (SELECT d.customer_id AS hid, d.created_at AS hk FROM customer_facets d WHERE d.store_id = 'store_wwhfgxx4gz9v6emdztfh' AND d.facet = (SELECT f FROM drive)
   ORDER BY d.created_at DESC, d.customer_id DESC LIMIT 26) e
  WHERE true ORDER BY hk DESC, hid DESC LIMIT 26) h
 JOIN customers ON customers.store_id = 'store_wwhfgxx4gz9v6emdztfh' AND customers.id = h.hid ORDER BY h.hk DESC, h.hid DESC;
\echo === tags=vip,newsletter
explain (analyze, buffers, costs off)
WITH wanted AS MATERIALIZED (SELECT f, coalesce((SELECT s.most_common_freqs[array_position(s.most_common_vals::text::text[], w.f)] FROM pg_stats s WHERE s.schemaname = current_schema() AND s.tablename = 'customer_facets' AND s.attname = 'facet'), 0) AS n FROM (SELECT f FROM customer_facets_of('{vip,newsletter}'::text[], '{}'::jsonb) w(f)) w),
 drive AS MATERIALIZED (SELECT f FROM wanted ORDER BY n, f LIMIT 1),
 others AS MATERIALIZED (SELECT array_agg(f) AS fs, count(*) AS n FROM wanted WHERE f <> (SELECT f FROM drive))
SELECT id, (created_at)::text AS sort_key FROM
 (SELECT hid, hk FROM (SELECT d.customer_id AS hid, d.created_at AS hk FROM customer_facets d WHERE d.store_id = 'store_wwhfgxx4gz9v6emdztfh' AND d.facet = (SELECT f FROM drive)
   ORDER BY d.created_at DESC, d.customer_id DESC LIMIT 2000) e
  WHERE true AND (SELECT count(*) FROM customer_facets g WHERE g.store_id = 'store_wwhfgxx4gz9v6emdztfh' AND g.facet = ANY((SELECT fs FROM others)::text[]) AND g.created_at = e.hk AND g.customer_id = e.hid) = (SELECT n FROM others)
  ORDER BY hk DESC, hid DESC LIMIT 26) h
 JOIN customers ON customers.store_id = 'store_wwhfgxx4gz9v6emdztfh' AND customers.id = h.hid ORDER BY h.hk DESC, h.hid DESC;
\echo === metadata source=import, referrer=campaign_3
explain (analyze, buffers, costs off)
WITH wanted AS MATERIALIZED (SELECT f, coalesce((SELECT s.most_common_freqs[array_position(s.most_common_vals::text::text[], w.f)] FROM pg_stats s WHERE s.schemaname = current_schema() AND s.tablename = 'customer_facets' AND s.attname = 'facet'), 0) AS n FROM (SELECT f FROM customer_facets_of('{}'::text[], '{"source":"import","referrer":"campaign_3"}'::jsonb) w(f)) w),
 drive AS MATERIALIZED (SELECT f FROM wanted ORDER BY n, f LIMIT 1),
 others AS MATERIALIZED (SELECT array_agg(f) AS fs, count(*) AS n FROM wanted WHERE f <> (SELECT f FROM drive))
SELECT id, (created_at)::text AS sort_key FROM
 (SELECT hid, hk FROM (SELECT d.customer_id AS hid, d.created_at AS hk FROM customer_facets d WHERE d.store_id = 'store_wwhfgxx4gz9v6emdztfh' AND d.facet = (SELECT f FROM drive)
   ORDER BY d.created_at DESC, d.customer_id DESC LIMIT 2000) e
  WHERE true AND (SELECT count(*) FROM customer_facets g WHERE g.store_id = 'store_wwhfgxx4gz9v6emdztfh' AND g.facet = ANY((SELECT fs FROM others)::text[]) AND g.created_at = e.hk AND g.customer_id = e.hid) = (SELECT n FROM others)
  ORDER BY hk DESC, hid DESC LIMIT 26) h
 JOIN customers ON customers.store_id = 'store_wwhfgxx4gz9v6emdztfh' AND customers.id = h.hid ORDER BY h.hk DESC, h.hid DESC;
\echo === tags=subscriber (round 2)
explain (analyze, buffers, costs off)
WITH drive AS MATERIALIZED (SELECT f FROM customer_facets_of('{subscriber}'::text[], '{}'::jsonb) w(f))
SELECT id, (created_at)::text AS sort_key FROM
 (SELECT hid, hk FROM (SELECT d.customer_id AS hid, d.created_at AS hk FROM customer_facets d WHERE d.store_id = 'store_wwhfgxx4gz9v6emdztfh' AND d.facet = (SELECT f FROM drive)
   ORDER BY d.created_at DESC, d.customer_id DESC LIMIT 26) e
  WHERE true ORDER BY hk DESC, hid DESC LIMIT 26) h
 JOIN customers ON customers.store_id = 'store_wwhfgxx4gz9v6emdztfh' AND customers.id = h.hid ORDER BY h.hk DESC, h.hid DESC;
\echo === tags=gift_buyer
explain (analyze, buffers, costs off)
WITH drive AS MATERIALIZED (SELECT f FROM customer_facets_of('{gift_buyer}'::text[], '{}'::jsonb) w(f))
SELECT id, (created_at)::text AS sort_key FROM
 (SELECT hid, hk FROM (SELECT d.customer_id AS hid, d.created_at AS hk FROM customer_facets d WHERE d.store_id = 'store_wwhfgxx4gz9v6emdztfh' AND d.facet = (SELECT f FROM drive)
   ORDER BY d.created_at DESC, d.customer_id DESC LIMIT 26) e
  WHERE true ORDER BY hk DESC, hid DESC LIMIT 26) h
 JOIN customers ON customers.store_id = 'store_wwhfgxx4gz9v6emdztfh' AND customers.id = h.hid ORDER BY h.hk DESC, h.hid DESC;
\echo === tags=vip
explain (analyze, buffers, costs off)
WITH drive AS MATERIALIZED (SELECT f FROM customer_facets_of('{vip}'::text[], '{}'::jsonb) w(f))
SELECT id, (created_at)::text AS sort_key FROM
 (SELECT hid, hk FROM (SELECT d.customer_id AS hid, d.created_at AS hk FROM customer_facets d WHERE d.store_id = 'store_wwhfgxx4gz9v6emdztfh' AND d.facet = (SELECT f FROM drive)
   ORDER BY d.created_at DESC, d.customer_id DESC LIMIT 26) e
  WHERE true ORDER BY hk DESC, hid DESC LIMIT 26) h
 JOIN customers ON customers.store_id = 'store_wwhfgxx4gz9v6emdztfh' AND customers.id = h.hid ORDER BY h.hk DESC, h.hid DESC;
\echo === metadata referrer=campaign_7
explain (analyze, buffers, costs off)
WITH drive AS MATERIALIZED (SELECT f FROM customer_facets_of('{}'::text[], '{"referrer":"campaign_7"}'::jsonb) w(f))
SELECT id, (created_at)::text AS sort_key FROM
 (SELECT hid, hk FROM (SELECT d.customer_id AS hid, d.created_at AS hk FROM customer_facets d WHERE d.store_id = 'store_wwhfgxx4gz9v6emdztfh' AND d.facet = (SELECT f FROM drive)
   ORDER BY d.created_at DESC, d.customer_id DESC LIMIT 26) e
  WHERE true ORDER BY hk DESC, hid DESC LIMIT 26) h
 JOIN customers ON customers.store_id = 'store_wwhfgxx4gz9v6emdztfh' AND customers.id = h.hid ORDER BY h.hk DESC, h.hid DESC;
\echo === metadata source=web
explain (analyze, buffers, costs off)
WITH drive AS MATERIALIZED (SELECT f FROM customer_facets_of('{}'::text[], '{"source":"web"}'::jsonb) w(f))
SELECT id, (created_at)::text AS sort_key FROM
 (SELECT hid, hk FROM (SELECT d.customer_id AS hid, d.created_at AS hk FROM customer_facets d WHERE d.store_id = 'store_wwhfgxx4gz9v6emdztfh' AND d.facet = (SELECT f FROM drive)
   ORDER BY d.created_at DESC, d.customer_id DESC LIMIT 26) e
  WHERE true ORDER BY hk DESC, hid DESC LIMIT 26) h
 JOIN customers ON customers.store_id = 'store_wwhfgxx4gz9v6emdztfh' AND customers.id = h.hid ORDER BY h.hk DESC, h.hid DESC;
\echo === tags=vip,newsletter
explain (analyze, buffers, costs off)
WITH wanted AS MATERIALIZED (SELECT f, coalesce((SELECT s.most_common_freqs[array_position(s.most_common_vals::text::text[], w.f)] FROM pg_stats s WHERE s.schemaname = current_schema() AND s.tablename = 'customer_facets' AND s.attname = 'facet'), 0) AS n FROM (SELECT f FROM customer_facets_of('{vip,newsletter}'::text[], '{}'::jsonb) w(f)) w),
 drive AS MATERIALIZED (SELECT f FROM wanted ORDER BY n, f LIMIT 1),
 others AS MATERIALIZED (SELECT array_agg(f) AS fs, count(*) AS n FROM wanted WHERE f <> (SELECT f FROM drive))
SELECT id, (created_at)::text AS sort_key FROM
 (SELECT hid, hk FROM (SELECT d.customer_id AS hid, d.created_at AS hk FROM customer_facets d WHERE d.store_id = 'store_wwhfgxx4gz9v6emdztfh' AND d.facet = (SELECT f FROM drive)
   ORDER BY d.created_at DESC, d.customer_id DESC LIMIT 2000) e
  WHERE true AND (SELECT count(*) FROM customer_facets g WHERE g.store_id = 'store_wwhfgxx4gz9v6emdztfh' AND g.facet = ANY((SELECT fs FROM others)::text[]) AND g.created_at = e.hk AND g.customer_id = e.hid) = (SELECT n FROM others)
  ORDER BY hk DESC, hid DESC LIMIT 26) h
 JOIN customers ON customers.store_id = 'store_wwhfgxx4gz9v6emdztfh' AND customers.id = h.hid ORDER BY h.hk DESC, h.hid DESC;
\echo === metadata source=import, referrer=campaign_3
explain (analyze, buffers, costs off)
WITH wanted AS MATERIALIZED (SELECT f, coalesce((SELECT s.most_common_freqs[array_position(s.most_common_vals::text::text[], w.f)] FROM pg_stats s WHERE s.schemaname = current_schema() AND s.tablename = 'customer_facets' AND s.attname = 'facet'), 0) AS n FROM (SELECT f FROM customer_facets_of('{}'::text[], '{"source":"import","referrer":"campaign_3"}'::jsonb) w(f)) w),
 drive AS MATERIALIZED (SELECT f FROM wanted ORDER BY n, f LIMIT 1),
 others AS MATERIALIZED (SELECT array_agg(f) AS fs, count(*) AS n FROM wanted WHERE f <> (SELECT f FROM drive))
SELECT id, (created_at)::text AS sort_key FROM
 (SELECT hid, hk FROM (SELECT d.customer_id AS hid, d.created_at AS hk FROM customer_facets d WHERE d.store_id = 'store_wwhfgxx4gz9v6emdztfh' AND d.facet = (SELECT f FROM drive)
   ORDER BY d.created_at DESC, d.customer_id DESC LIMIT 2000) e
  WHERE true AND (SELECT count(*) FROM customer_facets g WHERE g.store_id = 'store_wwhfgxx4gz9v6emdztfh' AND g.facet = ANY((SELECT fs FROM others)::text[]) AND g.created_at = e.hk AND g.customer_id = e.hid) = (SELECT n FROM others)
  ORDER BY hk DESC, hid DESC LIMIT 26) h
 JOIN customers ON customers.store_id = 'store_wwhfgxx4gz9v6emdztfh' AND customers.id = h.hid ORDER BY h.hk DESC, h.hid DESC;
\echo === segment cap, large
explain (analyze, buffers, costs off) SELECT count(*) FROM (SELECT customer_id FROM segment_member_ids('store_wwhfgxx4gz9v6emdztfh', 'seg_benchlarge') LIMIT 5001) m;
