\timing on
PREPARE w(text, text) AS
SELECT h.hid AS id, (h.hk)::text AS sort_key FROM
 (SELECT hid, hk FROM (SELECT id AS hid, (created_at) AS hk, search_text FROM customers WHERE store_id = (SELECT $1::text) ORDER BY created_at DESC, id DESC LIMIT 20000) r
  WHERE true AND strpos(r.search_text, (SELECT $2::text)) > 0 ORDER BY hk DESC, hid DESC LIMIT 26) h
 ORDER BY h.hk DESC, h.hid DESC;
EXPLAIN (ANALYZE, BUFFERS) EXECUTE w('store_m1kz34eemsw123pmnxmv', 'brooks');
EXPLAIN (ANALYZE, BUFFERS) EXECUTE w('store_m1kz34eemsw123pmnxmv', 'brooks');
EXPLAIN (ANALYZE, BUFFERS) EXECUTE w('store_m1kz34eemsw123pmnxmv', 'brooks');
select count(*) from (SELECT 1 FROM customers WHERE store_id='store_m1kz34eemsw123pmnxmv' ORDER BY created_at DESC, id DESC LIMIT 20000) x;
select count(*) from (SELECT 1 FROM customers WHERE store_id='store_m1kz34eemsw123pmnxmv' ORDER BY created_at DESC, id DESC LIMIT 20000) x;
