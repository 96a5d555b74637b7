SET plan_cache_mode = force_generic_plan;
\echo ==== 1 $1 = 'store_m1kz34eemsw123pmnxmv', $2 = 'vip'
PREPARE p1 AS SELECT h.hid AS id, (h.hk)::text AS sort_key FROM (SELECT hid, hk FROM (SELECT d.customer_id AS hid, d.created_at AS hk FROM customer_facets d WHERE d.store_id = (SELECT $1::text) AND d.facet = (SELECT 't' || $2::text) ORDER BY d.created_at DESC, d.customer_id DESC LIMIT 26) e WHERE true ORDER BY hk DESC, hid DESC LIMIT 26) h ORDER BY h.hk DESC, h.hid DESC;
EXECUTE p1('store_m1kz34eemsw123pmnxmv', 'vip');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE p1('store_m1kz34eemsw123pmnxmv', 'vip');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE p1('store_m1kz34eemsw123pmnxmv', 'vip');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE p1('store_m1kz34eemsw123pmnxmv', 'vip');
DEALLOCATE p1;
\echo ==== 2 $1 = 'store_m1kz34eemsw123pmnxmv', $2 = 'vip'
PREPARE p2 AS SELECT h.hid AS id, (h.hk)::text AS sort_key FROM (SELECT hid, hk FROM (SELECT d.customer_id AS hid, d.created_at AS hk FROM customer_facets d WHERE d.store_id = (SELECT $1::text) AND d.facet = (SELECT 't' || $2::text) ORDER BY d.created_at DESC, d.customer_id DESC LIMIT 4) e WHERE true ORDER BY hk DESC, hid DESC LIMIT 4) h ORDER BY h.hk DESC, h.hid DESC;
EXECUTE p2('store_m1kz34eemsw123pmnxmv', 'vip');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE p2('store_m1kz34eemsw123pmnxmv', 'vip');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE p2('store_m1kz34eemsw123pmnxmv', 'vip');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE p2('store_m1kz34eemsw123pmnxmv', 'vip');
DEALLOCATE p2;
\echo ==== 3 $1 = 'store_m1kz34eemsw123pmnxmv', $2 = 'newsletter'
PREPARE p3 AS SELECT h.hid AS id, (h.hk)::text AS sort_key FROM (SELECT hid, hk FROM (SELECT d.customer_id AS hid, d.created_at AS hk FROM customer_facets d WHERE d.store_id = (SELECT $1::text) AND d.facet = (SELECT 't' || $2::text) ORDER BY d.created_at DESC, d.customer_id DESC LIMIT 26) e WHERE true ORDER BY hk DESC, hid DESC LIMIT 26) h ORDER BY h.hk DESC, h.hid DESC;
EXECUTE p3('store_m1kz34eemsw123pmnxmv', 'newsletter');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE p3('store_m1kz34eemsw123pmnxmv', 'newsletter');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE p3('store_m1kz34eemsw123pmnxmv', 'newsletter');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE p3('store_m1kz34eemsw123pmnxmv', 'newsletter');
DEALLOCATE p3;
\echo ==== 4 $1 = 'store_m1kz34eemsw123pmnxmv', $2 = 'newsletter'
PREPARE p4 AS SELECT h.hid AS id, (h.hk)::text AS sort_key FROM (SELECT hid, hk FROM (SELECT d.customer_id AS hid, d.created_at AS hk FROM customer_facets d WHERE d.store_id = (SELECT $1::text) AND d.facet = (SELECT 't' || $2::text) ORDER BY d.created_at DESC, d.customer_id DESC LIMIT 4) e WHERE true ORDER BY hk DESC, hid DESC LIMIT 4) h ORDER BY h.hk DESC, h.hid DESC;
EXECUTE p4('store_m1kz34eemsw123pmnxmv', 'newsletter');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE p4('store_m1kz34eemsw123pmnxmv', 'newsletter');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE p4('store_m1kz34eemsw123pmnxmv', 'newsletter');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE p4('store_m1kz34eemsw123pmnxmv', 'newsletter');
DEALLOCATE p4;
\echo ==== 5 $1 = 'store_m1kz34eemsw123pmnxmv', $2 = 'b2b'
PREPARE p5 AS SELECT h.hid AS id, (h.hk)::text AS sort_key FROM (SELECT hid, hk FROM (SELECT d.customer_id AS hid, d.created_at AS hk FROM customer_facets d WHERE d.store_id = (SELECT $1::text) AND d.facet = (SELECT 't' || $2::text) ORDER BY d.created_at DESC, d.customer_id DESC LIMIT 26) e WHERE true ORDER BY hk DESC, hid DESC LIMIT 26) h ORDER BY h.hk DESC, h.hid DESC;
EXECUTE p5('store_m1kz34eemsw123pmnxmv', 'b2b');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE p5('store_m1kz34eemsw123pmnxmv', 'b2b');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE p5('store_m1kz34eemsw123pmnxmv', 'b2b');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE p5('store_m1kz34eemsw123pmnxmv', 'b2b');
DEALLOCATE p5;
\echo ==== 6 $1 = 'store_m1kz34eemsw123pmnxmv', $2 = 'b2b'
PREPARE p6 AS SELECT h.hid AS id, (h.hk)::text AS sort_key FROM (SELECT hid, hk FROM (SELECT d.customer_id AS hid, d.created_at AS hk FROM customer_facets d WHERE d.store_id = (SELECT $1::text) AND d.facet = (SELECT 't' || $2::text) ORDER BY d.created_at DESC, d.customer_id DESC LIMIT 4) e WHERE true ORDER BY hk DESC, hid DESC LIMIT 4) h ORDER BY h.hk DESC, h.hid DESC;
EXECUTE p6('store_m1kz34eemsw123pmnxmv', 'b2b');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE p6('store_m1kz34eemsw123pmnxmv', 'b2b');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE p6('store_m1kz34eemsw123pmnxmv', 'b2b');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE p6('store_m1kz34eemsw123pmnxmv', 'b2b');
DEALLOCATE p6;
\echo ==== 7 $1 = 'store_m1kz34eemsw123pmnxmv', $2 = 'subscriber'
PREPARE p7 AS SELECT h.hid AS id, (h.hk)::text AS sort_key FROM (SELECT hid, hk FROM (SELECT d.customer_id AS hid, d.created_at AS hk FROM customer_facets d WHERE d.store_id = (SELECT $1::text) AND d.facet = (SELECT 't' || $2::text) ORDER BY d.created_at DESC, d.customer_id DESC LIMIT 26) e WHERE true ORDER BY hk DESC, hid DESC LIMIT 26) h ORDER BY h.hk DESC, h.hid DESC;
EXECUTE p7('store_m1kz34eemsw123pmnxmv', 'subscriber');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE p7('store_m1kz34eemsw123pmnxmv', 'subscriber');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE p7('store_m1kz34eemsw123pmnxmv', 'subscriber');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE p7('store_m1kz34eemsw123pmnxmv', 'subscriber');
DEALLOCATE p7;
\echo ==== 8 $1 = 'store_m1kz34eemsw123pmnxmv', $2 = 'subscriber'
PREPARE p8 AS SELECT h.hid AS id, (h.hk)::text AS sort_key FROM (SELECT hid, hk FROM (SELECT d.customer_id AS hid, d.created_at AS hk FROM customer_facets d WHERE d.store_id = (SELECT $1::text) AND d.facet = (SELECT 't' || $2::text) ORDER BY d.created_at DESC, d.customer_id DESC LIMIT 4) e WHERE true ORDER BY hk DESC, hid DESC LIMIT 4) h ORDER BY h.hk DESC, h.hid DESC;
EXECUTE p8('store_m1kz34eemsw123pmnxmv', 'subscriber');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE p8('store_m1kz34eemsw123pmnxmv', 'subscriber');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE p8('store_m1kz34eemsw123pmnxmv', 'subscriber');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE p8('store_m1kz34eemsw123pmnxmv', 'subscriber');
DEALLOCATE p8;
\echo ==== 9 $1 = 'store_m1kz34eemsw123pmnxmv', $2 = 'gift_buyer'
PREPARE p9 AS SELECT h.hid AS id, (h.hk)::text AS sort_key FROM (SELECT hid, hk FROM (SELECT d.customer_id AS hid, d.created_at AS hk FROM customer_facets d WHERE d.store_id = (SELECT $1::text) AND d.facet = (SELECT 't' || $2::text) ORDER BY d.created_at DESC, d.customer_id DESC LIMIT 26) e WHERE true ORDER BY hk DESC, hid DESC LIMIT 26) h ORDER BY h.hk DESC, h.hid DESC;
EXECUTE p9('store_m1kz34eemsw123pmnxmv', 'gift_buyer');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE p9('store_m1kz34eemsw123pmnxmv', 'gift_buyer');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE p9('store_m1kz34eemsw123pmnxmv', 'gift_buyer');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE p9('store_m1kz34eemsw123pmnxmv', 'gift_buyer');
DEALLOCATE p9;
\echo ==== 10 $1 = 'store_m1kz34eemsw123pmnxmv', $2 = 'gift_buyer'
PREPARE p10 AS SELECT h.hid AS id, (h.hk)::text AS sort_key FROM (SELECT hid, hk FROM (SELECT d.customer_id AS hid, d.created_at AS hk FROM customer_facets d WHERE d.store_id = (SELECT $1::text) AND d.facet = (SELECT 't' || $2::text) ORDER BY d.created_at DESC, d.customer_id DESC LIMIT 4) e WHERE true ORDER BY hk DESC, hid DESC LIMIT 4) h ORDER BY h.hk DESC, h.hid DESC;
EXECUTE p10('store_m1kz34eemsw123pmnxmv', 'gift_buyer');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE p10('store_m1kz34eemsw123pmnxmv', 'gift_buyer');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE p10('store_m1kz34eemsw123pmnxmv', 'gift_buyer');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE p10('store_m1kz34eemsw123pmnxmv', 'gift_buyer');
DEALLOCATE p10;
\echo ==== 11 $1 = 'store_m1kz34eemsw123pmnxmv', $2 = 'newsletter', $3 = 'vip'
PREPARE p11 AS SELECT h.hid AS id, (h.hk)::text AS sort_key FROM (SELECT hid, hk FROM (SELECT d.customer_id AS hid, d.created_at AS hk FROM customer_facets d WHERE d.store_id = (SELECT $1::text) AND d.facet = (SELECT 't' || $2::text) ORDER BY d.created_at DESC, d.customer_id DESC LIMIT 2000) e WHERE true AND EXISTS (SELECT 1 FROM customer_facets g WHERE g.store_id = (SELECT $1::text) AND g.facet = (SELECT 't' || $3::text) AND g.created_at = e.hk AND g.customer_id = e.hid OFFSET 0) ORDER BY hk DESC, hid DESC LIMIT 26) h ORDER BY h.hk DESC, h.hid DESC;
EXECUTE p11('store_m1kz34eemsw123pmnxmv', 'newsletter', 'vip');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE p11('store_m1kz34eemsw123pmnxmv', 'newsletter', 'vip');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE p11('store_m1kz34eemsw123pmnxmv', 'newsletter', 'vip');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE p11('store_m1kz34eemsw123pmnxmv', 'newsletter', 'vip');
DEALLOCATE p11;
\echo ==== 12 $1 = 'store_m1kz34eemsw123pmnxmv', $2 = 'newsletter', $3 = 'vip'
PREPARE p12 AS SELECT h.hid AS id, (h.hk)::text AS sort_key FROM (SELECT hid, hk FROM (SELECT d.customer_id AS hid, d.created_at AS hk FROM customer_facets d WHERE d.store_id = (SELECT $1::text) AND d.facet = (SELECT 't' || $2::text) ORDER BY d.created_at DESC, d.customer_id DESC LIMIT 2000) e WHERE true AND EXISTS (SELECT 1 FROM customer_facets g WHERE g.store_id = (SELECT $1::text) AND g.facet = (SELECT 't' || $3::text) AND g.created_at = e.hk AND g.customer_id = e.hid OFFSET 0) ORDER BY hk DESC, hid DESC LIMIT 4) h ORDER BY h.hk DESC, h.hid DESC;
EXECUTE p12('store_m1kz34eemsw123pmnxmv', 'newsletter', 'vip');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE p12('store_m1kz34eemsw123pmnxmv', 'newsletter', 'vip');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE p12('store_m1kz34eemsw123pmnxmv', 'newsletter', 'vip');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE p12('store_m1kz34eemsw123pmnxmv', 'newsletter', 'vip');
DEALLOCATE p12;
\echo ==== 13 $1 = 'store_m1kz34eemsw123pmnxmv', $2 = '2025-12-01 00:00:00+00'
PREPARE p13 AS SELECT id, (created_at)::text AS sort_key FROM customers WHERE store_id = (SELECT $1::text) AND created_at >= (SELECT $2::timestamptz) ORDER BY created_at DESC, id DESC LIMIT 26;
EXECUTE p13('store_m1kz34eemsw123pmnxmv', '2025-12-01 00:00:00+00');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE p13('store_m1kz34eemsw123pmnxmv', '2025-12-01 00:00:00+00');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE p13('store_m1kz34eemsw123pmnxmv', '2025-12-01 00:00:00+00');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE p13('store_m1kz34eemsw123pmnxmv', '2025-12-01 00:00:00+00');
DEALLOCATE p13;
\echo ==== 14 $1 = 'store_m1kz34eemsw123pmnxmv', $2 = '2025-12-01 00:00:00+00'
PREPARE p14 AS SELECT id, (created_at)::text AS sort_key FROM customers WHERE store_id = (SELECT $1::text) AND created_at >= (SELECT $2::timestamptz) ORDER BY created_at DESC, id DESC LIMIT 4;
EXECUTE p14('store_m1kz34eemsw123pmnxmv', '2025-12-01 00:00:00+00');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE p14('store_m1kz34eemsw123pmnxmv', '2025-12-01 00:00:00+00');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE p14('store_m1kz34eemsw123pmnxmv', '2025-12-01 00:00:00+00');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE p14('store_m1kz34eemsw123pmnxmv', '2025-12-01 00:00:00+00');
DEALLOCATE p14;
\echo ==== 15 $1 = 'store_m1kz34eemsw123pmnxmv', $2 = '2025-06-01 00:00:00+00'
PREPARE p15 AS SELECT id, (created_at)::text AS sort_key FROM customers WHERE store_id = (SELECT $1::text) AND created_at >= (SELECT $2::timestamptz) ORDER BY created_at DESC, id DESC LIMIT 26;
EXECUTE p15('store_m1kz34eemsw123pmnxmv', '2025-06-01 00:00:00+00');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE p15('store_m1kz34eemsw123pmnxmv', '2025-06-01 00:00:00+00');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE p15('store_m1kz34eemsw123pmnxmv', '2025-06-01 00:00:00+00');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE p15('store_m1kz34eemsw123pmnxmv', '2025-06-01 00:00:00+00');
DEALLOCATE p15;
\echo ==== 16 $1 = 'store_m1kz34eemsw123pmnxmv', $2 = '2025-06-01 00:00:00+00'
PREPARE p16 AS SELECT id, (created_at)::text AS sort_key FROM customers WHERE store_id = (SELECT $1::text) AND created_at >= (SELECT $2::timestamptz) ORDER BY created_at DESC, id DESC LIMIT 4;
EXECUTE p16('store_m1kz34eemsw123pmnxmv', '2025-06-01 00:00:00+00');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE p16('store_m1kz34eemsw123pmnxmv', '2025-06-01 00:00:00+00');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE p16('store_m1kz34eemsw123pmnxmv', '2025-06-01 00:00:00+00');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE p16('store_m1kz34eemsw123pmnxmv', '2025-06-01 00:00:00+00');
DEALLOCATE p16;
\echo ==== 17 $1 = 'store_m1kz34eemsw123pmnxmv', $2 = '2023-06-01 00:00:00+00'
PREPARE p17 AS SELECT id, (created_at)::text AS sort_key FROM customers WHERE store_id = (SELECT $1::text) AND created_at >= (SELECT $2::timestamptz) ORDER BY created_at DESC, id DESC LIMIT 26;
EXECUTE p17('store_m1kz34eemsw123pmnxmv', '2023-06-01 00:00:00+00');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE p17('store_m1kz34eemsw123pmnxmv', '2023-06-01 00:00:00+00');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE p17('store_m1kz34eemsw123pmnxmv', '2023-06-01 00:00:00+00');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE p17('store_m1kz34eemsw123pmnxmv', '2023-06-01 00:00:00+00');
DEALLOCATE p17;
\echo ==== 18 $1 = 'store_m1kz34eemsw123pmnxmv', $2 = '2023-06-01 00:00:00+00'
PREPARE p18 AS SELECT id, (created_at)::text AS sort_key FROM customers WHERE store_id = (SELECT $1::text) AND created_at >= (SELECT $2::timestamptz) ORDER BY created_at DESC, id DESC LIMIT 4;
EXECUTE p18('store_m1kz34eemsw123pmnxmv', '2023-06-01 00:00:00+00');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE p18('store_m1kz34eemsw123pmnxmv', '2023-06-01 00:00:00+00');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE p18('store_m1kz34eemsw123pmnxmv', '2023-06-01 00:00:00+00');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE p18('store_m1kz34eemsw123pmnxmv', '2023-06-01 00:00:00+00');
DEALLOCATE p18;
\echo ==== 19 $1 = 'store_m1kz34eemsw123pmnxmv', $2 = '2024-01-01 00:00:00+00', $3 = '2024-02-01 00:00:00+00'
PREPARE p19 AS SELECT id, (created_at)::text AS sort_key FROM customers WHERE store_id = (SELECT $1::text) AND created_at >= (SELECT $2::timestamptz) AND created_at < (SELECT $3::timestamptz) ORDER BY created_at DESC, id DESC LIMIT 26;
EXECUTE p19('store_m1kz34eemsw123pmnxmv', '2024-01-01 00:00:00+00', '2024-02-01 00:00:00+00');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE p19('store_m1kz34eemsw123pmnxmv', '2024-01-01 00:00:00+00', '2024-02-01 00:00:00+00');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE p19('store_m1kz34eemsw123pmnxmv', '2024-01-01 00:00:00+00', '2024-02-01 00:00:00+00');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE p19('store_m1kz34eemsw123pmnxmv', '2024-01-01 00:00:00+00', '2024-02-01 00:00:00+00');
DEALLOCATE p19;
\echo ==== 20 $1 = 'store_m1kz34eemsw123pmnxmv', $2 = '2024-01-01 00:00:00+00', $3 = '2024-02-01 00:00:00+00'
PREPARE p20 AS SELECT id, (created_at)::text AS sort_key FROM customers WHERE store_id = (SELECT $1::text) AND created_at >= (SELECT $2::timestamptz) AND created_at < (SELECT $3::timestamptz) ORDER BY created_at DESC, id DESC LIMIT 4;
EXECUTE p20('store_m1kz34eemsw123pmnxmv', '2024-01-01 00:00:00+00', '2024-02-01 00:00:00+00');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE p20('store_m1kz34eemsw123pmnxmv', '2024-01-01 00:00:00+00', '2024-02-01 00:00:00+00');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE p20('store_m1kz34eemsw123pmnxmv', '2024-01-01 00:00:00+00', '2024-02-01 00:00:00+00');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE p20('store_m1kz34eemsw123pmnxmv', '2024-01-01 00:00:00+00', '2024-02-01 00:00:00+00');
DEALLOCATE p20;
\echo ==== 21 $1 = 'store_m1kz34eemsw123pmnxmv', $2 = 'seg_benchlarge', $3 = 'infinity', $4 = '', $5 = NULL, $6 = NULL, $7 = 't', $8 = '26'
PREPARE p21 AS SELECT page.*, s.is_static FROM segment_static($1, $2) s LEFT JOIN LATERAL (SELECT o.mid AS id, (o.mat)::text AS sort_key, o.mat AS page_key, o.mid AS page_id FROM segment_members_by_created($1, $2, $7, $3::text::timestamptz, $4, coalesce($5::timestamptz, '-infinity'), coalesce($6::timestamptz, 'infinity'), $8) o(mid, mat) WHERE s.is_static) page ON true ORDER BY page.page_key DESC, page.page_id DESC;
EXECUTE p21('store_m1kz34eemsw123pmnxmv', 'seg_benchlarge', 'infinity', '', NULL, NULL, 't', '26');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE p21('store_m1kz34eemsw123pmnxmv', 'seg_benchlarge', 'infinity', '', NULL, NULL, 't', '26');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE p21('store_m1kz34eemsw123pmnxmv', 'seg_benchlarge', 'infinity', '', NULL, NULL, 't', '26');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE p21('store_m1kz34eemsw123pmnxmv', 'seg_benchlarge', 'infinity', '', NULL, NULL, 't', '26');
DEALLOCATE p21;
\echo ==== 22 $1 = 'store_m1kz34eemsw123pmnxmv', $2 = 'seg_benchlarge', $3 = 'infinity', $4 = '', $5 = NULL, $6 = NULL, $7 = 't', $8 = '4'
PREPARE p22 AS SELECT page.*, s.is_static FROM segment_static($1, $2) s LEFT JOIN LATERAL (SELECT o.mid AS id, (o.mat)::text AS sort_key, o.mat AS page_key, o.mid AS page_id FROM segment_members_by_created($1, $2, $7, $3::text::timestamptz, $4, coalesce($5::timestamptz, '-infinity'), coalesce($6::timestamptz, 'infinity'), $8) o(mid, mat) WHERE s.is_static) page ON true ORDER BY page.page_key DESC, page.page_id DESC;
EXECUTE p22('store_m1kz34eemsw123pmnxmv', 'seg_benchlarge', 'infinity', '', NULL, NULL, 't', '4');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE p22('store_m1kz34eemsw123pmnxmv', 'seg_benchlarge', 'infinity', '', NULL, NULL, 't', '4');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE p22('store_m1kz34eemsw123pmnxmv', 'seg_benchlarge', 'infinity', '', NULL, NULL, 't', '4');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE p22('store_m1kz34eemsw123pmnxmv', 'seg_benchlarge', 'infinity', '', NULL, NULL, 't', '4');
DEALLOCATE p22;
\echo ==== 23 $1 = 'store_m1kz34eemsw123pmnxmv', $2 = 'seg_benchsmall', $3 = 'infinity', $4 = '', $5 = NULL, $6 = NULL, $7 = 't', $8 = '26'
PREPARE p23 AS SELECT page.*, s.is_static FROM segment_static($1, $2) s LEFT JOIN LATERAL (SELECT o.mid AS id, (o.mat)::text AS sort_key, o.mat AS page_key, o.mid AS page_id FROM segment_members_by_created($1, $2, $7, $3::text::timestamptz, $4, coalesce($5::timestamptz, '-infinity'), coalesce($6::timestamptz, 'infinity'), $8) o(mid, mat) WHERE s.is_static) page ON true ORDER BY page.page_key DESC, page.page_id DESC;
EXECUTE p23('store_m1kz34eemsw123pmnxmv', 'seg_benchsmall', 'infinity', '', NULL, NULL, 't', '26');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE p23('store_m1kz34eemsw123pmnxmv', 'seg_benchsmall', 'infinity', '', NULL, NULL, 't', '26');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE p23('store_m1kz34eemsw123pmnxmv', 'seg_benchsmall', 'infinity', '', NULL, NULL, 't', '26');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE p23('store_m1kz34eemsw123pmnxmv', 'seg_benchsmall', 'infinity', '', NULL, NULL, 't', '26');
DEALLOCATE p23;
\echo ==== 24 $1 = 'store_m1kz34eemsw123pmnxmv', $2 = 'seg_benchsmall', $3 = 'infinity', $4 = '', $5 = NULL, $6 = NULL, $7 = 't', $8 = '4'
PREPARE p24 AS SELECT page.*, s.is_static FROM segment_static($1, $2) s LEFT JOIN LATERAL (SELECT o.mid AS id, (o.mat)::text AS sort_key, o.mat AS page_key, o.mid AS page_id FROM segment_members_by_created($1, $2, $7, $3::text::timestamptz, $4, coalesce($5::timestamptz, '-infinity'), coalesce($6::timestamptz, 'infinity'), $8) o(mid, mat) WHERE s.is_static) page ON true ORDER BY page.page_key DESC, page.page_id DESC;
EXECUTE p24('store_m1kz34eemsw123pmnxmv', 'seg_benchsmall', 'infinity', '', NULL, NULL, 't', '4');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE p24('store_m1kz34eemsw123pmnxmv', 'seg_benchsmall', 'infinity', '', NULL, NULL, 't', '4');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE p24('store_m1kz34eemsw123pmnxmv', 'seg_benchsmall', 'infinity', '', NULL, NULL, 't', '4');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE p24('store_m1kz34eemsw123pmnxmv', 'seg_benchsmall', 'infinity', '', NULL, NULL, 't', '4');
DEALLOCATE p24;
\echo ==== 25 $1 = 'store_m1kz34eemsw123pmnxmv', $2 = 'source', $3 = 'web'
PREPARE p25 AS SELECT h.hid AS id, (h.hk)::text AS sort_key FROM (SELECT hid, hk FROM (SELECT d.customer_id AS hid, d.created_at AS hk FROM customer_facets d WHERE d.store_id = (SELECT $1::text) AND d.facet = (SELECT 'm' || jsonb_build_object($2::text, $3::text)::text) ORDER BY d.created_at DESC, d.customer_id DESC LIMIT 26) e WHERE true ORDER BY hk DESC, hid DESC LIMIT 26) h ORDER BY h.hk DESC, h.hid DESC;
EXECUTE p25('store_m1kz34eemsw123pmnxmv', 'source', 'web');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE p25('store_m1kz34eemsw123pmnxmv', 'source', 'web');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE p25('store_m1kz34eemsw123pmnxmv', 'source', 'web');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE p25('store_m1kz34eemsw123pmnxmv', 'source', 'web');
DEALLOCATE p25;
\echo ==== 26 $1 = 'store_m1kz34eemsw123pmnxmv', $2 = 'source', $3 = 'web'
PREPARE p26 AS SELECT h.hid AS id, (h.hk)::text AS sort_key FROM (SELECT hid, hk FROM (SELECT d.customer_id AS hid, d.created_at AS hk FROM customer_facets d WHERE d.store_id = (SELECT $1::text) AND d.facet = (SELECT 'm' || jsonb_build_object($2::text, $3::text)::text) ORDER BY d.created_at DESC, d.customer_id DESC LIMIT 4) e WHERE true ORDER BY hk DESC, hid DESC LIMIT 4) h ORDER BY h.hk DESC, h.hid DESC;
EXECUTE p26('store_m1kz34eemsw123pmnxmv', 'source', 'web');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE p26('store_m1kz34eemsw123pmnxmv', 'source', 'web');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE p26('store_m1kz34eemsw123pmnxmv', 'source', 'web');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE p26('store_m1kz34eemsw123pmnxmv', 'source', 'web');
DEALLOCATE p26;
\echo ==== 27 $1 = 'store_m1kz34eemsw123pmnxmv', $2 = 'source', $3 = 'tiktok'
PREPARE p27 AS SELECT h.hid AS id, (h.hk)::text AS sort_key FROM (SELECT hid, hk FROM (SELECT d.customer_id AS hid, d.created_at AS hk FROM customer_facets d WHERE d.store_id = (SELECT $1::text) AND d.facet = (SELECT 'm' || jsonb_build_object($2::text, $3::text)::text) ORDER BY d.created_at DESC, d.customer_id DESC LIMIT 26) e WHERE true ORDER BY hk DESC, hid DESC LIMIT 26) h ORDER BY h.hk DESC, h.hid DESC;
EXECUTE p27('store_m1kz34eemsw123pmnxmv', 'source', 'tiktok');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE p27('store_m1kz34eemsw123pmnxmv', 'source', 'tiktok');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE p27('store_m1kz34eemsw123pmnxmv', 'source', 'tiktok');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE p27('store_m1kz34eemsw123pmnxmv', 'source', 'tiktok');
DEALLOCATE p27;
\echo ==== 28 $1 = 'store_m1kz34eemsw123pmnxmv', $2 = 'source', $3 = 'tiktok'
PREPARE p28 AS SELECT h.hid AS id, (h.hk)::text AS sort_key FROM (SELECT hid, hk FROM (SELECT d.customer_id AS hid, d.created_at AS hk FROM customer_facets d WHERE d.store_id = (SELECT $1::text) AND d.facet = (SELECT 'm' || jsonb_build_object($2::text, $3::text)::text) ORDER BY d.created_at DESC, d.customer_id DESC LIMIT 4) e WHERE true ORDER BY hk DESC, hid DESC LIMIT 4) h ORDER BY h.hk DESC, h.hid DESC;
EXECUTE p28('store_m1kz34eemsw123pmnxmv', 'source', 'tiktok');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE p28('store_m1kz34eemsw123pmnxmv', 'source', 'tiktok');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE p28('store_m1kz34eemsw123pmnxmv', 'source', 'tiktok');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE p28('store_m1kz34eemsw123pmnxmv', 'source', 'tiktok');
DEALLOCATE p28;
\echo ==== 29 $1 = 'store_m1kz34eemsw123pmnxmv', $2 = 'referrer', $3 = 'campaign_7'
PREPARE p29 AS SELECT h.hid AS id, (h.hk)::text AS sort_key FROM (SELECT hid, hk FROM (SELECT d.customer_id AS hid, d.created_at AS hk FROM customer_facets d WHERE d.store_id = (SELECT $1::text) AND d.facet = (SELECT 'm' || jsonb_build_object($2::text, $3::text)::text) ORDER BY d.created_at DESC, d.customer_id DESC LIMIT 26) e WHERE true ORDER BY hk DESC, hid DESC LIMIT 26) h ORDER BY h.hk DESC, h.hid DESC;
EXECUTE p29('store_m1kz34eemsw123pmnxmv', 'referrer', 'campaign_7');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE p29('store_m1kz34eemsw123pmnxmv', 'referrer', 'campaign_7');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE p29('store_m1kz34eemsw123pmnxmv', 'referrer', 'campaign_7');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE p29('store_m1kz34eemsw123pmnxmv', 'referrer', 'campaign_7');
DEALLOCATE p29;
\echo ==== 30 $1 = 'store_m1kz34eemsw123pmnxmv', $2 = 'referrer', $3 = 'campaign_7'
PREPARE p30 AS SELECT h.hid AS id, (h.hk)::text AS sort_key FROM (SELECT hid, hk FROM (SELECT d.customer_id AS hid, d.created_at AS hk FROM customer_facets d WHERE d.store_id = (SELECT $1::text) AND d.facet = (SELECT 'm' || jsonb_build_object($2::text, $3::text)::text) ORDER BY d.created_at DESC, d.customer_id DESC LIMIT 4) e WHERE true ORDER BY hk DESC, hid DESC LIMIT 4) h ORDER BY h.hk DESC, h.hid DESC;
EXECUTE p30('store_m1kz34eemsw123pmnxmv', 'referrer', 'campaign_7');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE p30('store_m1kz34eemsw123pmnxmv', 'referrer', 'campaign_7');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE p30('store_m1kz34eemsw123pmnxmv', 'referrer', 'campaign_7');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE p30('store_m1kz34eemsw123pmnxmv', 'referrer', 'campaign_7');
DEALLOCATE p30;
\echo ==== 31 $1 = 'store_m1kz34eemsw123pmnxmv', $2 = 'referrer', $3 = 'campaign_3', $4 = 'source', $5 = 'import'
PREPARE p31 AS SELECT h.hid AS id, (h.hk)::text AS sort_key FROM (SELECT hid, hk FROM (SELECT d.customer_id AS hid, d.created_at AS hk FROM customer_facets d WHERE d.store_id = (SELECT $1::text) AND d.facet = (SELECT 'm' || jsonb_build_object($2::text, $3::text)::text) ORDER BY d.created_at DESC, d.customer_id DESC LIMIT 2000) e WHERE true AND EXISTS (SELECT 1 FROM customer_facets g WHERE g.store_id = (SELECT $1::text) AND g.facet = (SELECT 'm' || jsonb_build_object($4::text, $5::text)::text) AND g.created_at = e.hk AND g.customer_id = e.hid OFFSET 0) ORDER BY hk DESC, hid DESC LIMIT 26) h ORDER BY h.hk DESC, h.hid DESC;
EXECUTE p31('store_m1kz34eemsw123pmnxmv', 'referrer', 'campaign_3', 'source', 'import');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE p31('store_m1kz34eemsw123pmnxmv', 'referrer', 'campaign_3', 'source', 'import');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE p31('store_m1kz34eemsw123pmnxmv', 'referrer', 'campaign_3', 'source', 'import');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE p31('store_m1kz34eemsw123pmnxmv', 'referrer', 'campaign_3', 'source', 'import');
DEALLOCATE p31;
\echo ==== 32 $1 = 'store_m1kz34eemsw123pmnxmv', $2 = 'referrer', $3 = 'campaign_3', $4 = 'source', $5 = 'import'
PREPARE p32 AS SELECT h.hid AS id, (h.hk)::text AS sort_key FROM (SELECT hid, hk FROM (SELECT d.customer_id AS hid, d.created_at AS hk FROM customer_facets d WHERE d.store_id = (SELECT $1::text) AND d.facet = (SELECT 'm' || jsonb_build_object($2::text, $3::text)::text) ORDER BY d.created_at DESC, d.customer_id DESC LIMIT 2000) e WHERE true AND EXISTS (SELECT 1 FROM customer_facets g WHERE g.store_id = (SELECT $1::text) AND g.facet = (SELECT 'm' || jsonb_build_object($4::text, $5::text)::text) AND g.created_at = e.hk AND g.customer_id = e.hid OFFSET 0) ORDER BY hk DESC, hid DESC LIMIT 4) h ORDER BY h.hk DESC, h.hid DESC;
EXECUTE p32('store_m1kz34eemsw123pmnxmv', 'referrer', 'campaign_3', 'source', 'import');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE p32('store_m1kz34eemsw123pmnxmv', 'referrer', 'campaign_3', 'source', 'import');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE p32('store_m1kz34eemsw123pmnxmv', 'referrer', 'campaign_3', 'source', 'import');
EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE p32('store_m1kz34eemsw123pmnxmv', 'referrer', 'campaign_3', 'source', 'import');
DEALLOCATE p32;
