SET plan_cache_mode = force_generic_plan;
BEGIN;
CREATE FUNCTION pg_temp.seg_static_rows(p_store text, p_segment text) RETURNS TABLE (is_static boolean) LANGUAGE sql STABLE
AS $$ SELECT EXISTS (SELECT 1 FROM segments g WHERE g.store_id = p_store AND g.id = p_segment AND g.type = 'static') $$;
\echo ==== A1 single facet, inline tag expression
PREPARE a1 AS SELECT h.hid AS id, (h.hk)::text AS sort_key FROM (SELECT d.customer_id AS hid, d.created_at AS hk FROM customer_facets d WHERE d.store_id = (SELECT $1::text) AND d.facet = (SELECT 't' || $2::text) ORDER BY d.created_at DESC, d.customer_id DESC LIMIT 26) h ORDER BY h.hk DESC, h.hid DESC;
EXECUTE a1('store_m1kz34eemsw123pmnxmv', 'vip');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE a1('store_m1kz34eemsw123pmnxmv', 'vip');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE a1('store_m1kz34eemsw123pmnxmv', 'newsletter');
\echo ==== A2 single facet, inline metadata expression
PREPARE a2 AS SELECT h.hid AS id, (h.hk)::text AS sort_key FROM (SELECT d.customer_id AS hid, d.created_at AS hk FROM customer_facets d WHERE d.store_id = (SELECT $1::text) AND d.facet = (SELECT 'm' || jsonb_build_object($2::text, $3::text)::text) ORDER BY d.created_at DESC, d.customer_id DESC LIMIT 26) h ORDER BY h.hk DESC, h.hid DESC;
EXECUTE a2('store_m1kz34eemsw123pmnxmv', 'source', 'web');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE a2('store_m1kz34eemsw123pmnxmv', 'source', 'web');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE a2('store_m1kz34eemsw123pmnxmv', 'referrer', 'campaign_7');
\echo ==== B1 two facets, probes, drive and other given
PREPARE b1 AS SELECT h.hid AS id, (h.hk)::text AS sort_key FROM (SELECT hid, hk FROM (SELECT d.customer_id AS hid, d.created_at AS hk FROM customer_facets d WHERE d.store_id = (SELECT $1::text) AND d.facet = (SELECT 'm' || jsonb_build_object($2::text, $3::text)::text) ORDER BY d.created_at DESC, d.customer_id DESC LIMIT 2000) e WHERE EXISTS (SELECT 1 FROM customer_facets g WHERE g.store_id = (SELECT $1::text) AND g.facet = (SELECT 'm' || jsonb_build_object($4::text, $5::text)::text) AND g.created_at = e.hk AND g.customer_id = e.hid) ORDER BY hk DESC, hid DESC LIMIT 26) h ORDER BY h.hk DESC, h.hid DESC;
EXECUTE b1('store_m1kz34eemsw123pmnxmv', 'referrer', 'campaign_3', 'source', 'import');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE b1('store_m1kz34eemsw123pmnxmv', 'referrer', 'campaign_3', 'source', 'import');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE b1('store_m1kz34eemsw123pmnxmv', 'referrer', 'campaign_3', 'source', 'import');
\echo ==== B2 two facets, merge of the two ranges
PREPARE b2 AS SELECT h.hid AS id, (h.hk)::text AS sort_key FROM (SELECT a.hid, a.hk FROM (SELECT d.customer_id AS hid, d.created_at AS hk FROM customer_facets d WHERE d.store_id = (SELECT $1::text) AND d.facet = (SELECT 'm' || jsonb_build_object($2::text, $3::text)::text) ORDER BY d.created_at DESC, d.customer_id DESC LIMIT 2000) a JOIN (SELECT g.customer_id AS hid, g.created_at AS hk FROM customer_facets g WHERE g.store_id = (SELECT $1::text) AND g.facet = (SELECT 'm' || jsonb_build_object($4::text, $5::text)::text) ORDER BY g.created_at DESC, g.customer_id DESC LIMIT 40000) b ON a.hk = b.hk AND a.hid = b.hid ORDER BY a.hk DESC, a.hid DESC LIMIT 26) h ORDER BY h.hk DESC, h.hid DESC;
EXECUTE b2('store_m1kz34eemsw123pmnxmv', 'referrer', 'campaign_3', 'source', 'import');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE b2('store_m1kz34eemsw123pmnxmv', 'referrer', 'campaign_3', 'source', 'import');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE b2('store_m1kz34eemsw123pmnxmv', 'referrer', 'campaign_3', 'source', 'import');
\echo ==== B3 vip,newsletter probes
PREPARE b3 AS SELECT h.hid AS id, (h.hk)::text AS sort_key FROM (SELECT hid, hk FROM (SELECT d.customer_id AS hid, d.created_at AS hk FROM customer_facets d WHERE d.store_id = (SELECT $1::text) AND d.facet = (SELECT 't' || $2::text) ORDER BY d.created_at DESC, d.customer_id DESC LIMIT 2000) e WHERE EXISTS (SELECT 1 FROM customer_facets g WHERE g.store_id = (SELECT $1::text) AND g.facet = (SELECT 't' || $3::text) AND g.created_at = e.hk AND g.customer_id = e.hid) ORDER BY hk DESC, hid DESC LIMIT 26) h ORDER BY h.hk DESC, h.hid DESC;
EXECUTE b3('store_m1kz34eemsw123pmnxmv', 'newsletter', 'vip');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE b3('store_m1kz34eemsw123pmnxmv', 'newsletter', 'vip');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE b3('store_m1kz34eemsw123pmnxmv', 'newsletter', 'vip');
\echo ==== B4 vip,newsletter merge
PREPARE b4 AS SELECT h.hid AS id, (h.hk)::text AS sort_key FROM (SELECT a.hid, a.hk FROM (SELECT d.customer_id AS hid, d.created_at AS hk FROM customer_facets d WHERE d.store_id = (SELECT $1::text) AND d.facet = (SELECT 't' || $2::text) ORDER BY d.created_at DESC, d.customer_id DESC LIMIT 2000) a JOIN (SELECT g.customer_id AS hid, g.created_at AS hk FROM customer_facets g WHERE g.store_id = (SELECT $1::text) AND g.facet = (SELECT 't' || $3::text) ORDER BY g.created_at DESC, g.customer_id DESC LIMIT 40000) b ON a.hk = b.hk AND a.hid = b.hid ORDER BY a.hk DESC, a.hid DESC LIMIT 26) h ORDER BY h.hk DESC, h.hid DESC;
EXECUTE b4('store_m1kz34eemsw123pmnxmv', 'newsletter', 'vip');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE b4('store_m1kz34eemsw123pmnxmv', 'newsletter', 'vip');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE b4('store_m1kz34eemsw123pmnxmv', 'newsletter', 'vip');
\echo ==== C1 segment without the customers join
PREPARE c1 AS SELECT page.*, s.is_static FROM (SELECT segment_is_static($1, $2) AS is_static) s LEFT JOIN LATERAL (SELECT o.mid AS id, (o.mat)::text AS sort_key, o.mat AS page_key, o.mid AS page_id FROM segment_members_by_created($1, $2, $7, $3::text::timestamptz, $4, coalesce($5::timestamptz, '-infinity'), coalesce($6::timestamptz, 'infinity'), $8) o(mid, mat) WHERE s.is_static) page ON true ORDER BY page.page_key DESC, page.page_id DESC;
EXECUTE c1('store_m1kz34eemsw123pmnxmv', 'seg_benchlarge', 'infinity', '', NULL, NULL, 't', 26);
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE c1('store_m1kz34eemsw123pmnxmv', 'seg_benchlarge', 'infinity', '', NULL, NULL, 't', 26);
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE c1('store_m1kz34eemsw123pmnxmv', 'seg_benchsmall', 'infinity', '', NULL, NULL, 't', 26);
\echo ==== C2 segment without the join, static check a set-returning function (inlined)
PREPARE c2 AS SELECT page.*, s.is_static FROM pg_temp.seg_static_rows($1, $2) s LEFT JOIN LATERAL (SELECT o.mid AS id, (o.mat)::text AS sort_key, o.mat AS page_key, o.mid AS page_id FROM segment_members_by_created($1, $2, $7, $3::text::timestamptz, $4, coalesce($5::timestamptz, '-infinity'), coalesce($6::timestamptz, 'infinity'), $8) o(mid, mat) WHERE s.is_static) page ON true ORDER BY page.page_key DESC, page.page_id DESC;
EXECUTE c2('store_m1kz34eemsw123pmnxmv', 'seg_benchlarge', 'infinity', '', NULL, NULL, 't', 26);
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE c2('store_m1kz34eemsw123pmnxmv', 'seg_benchlarge', 'infinity', '', NULL, NULL, 't', 26);
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE c2('store_m1kz34eemsw123pmnxmv', 'seg_benchsmall', 'infinity', '', NULL, NULL, 't', 26);
ROLLBACK;
