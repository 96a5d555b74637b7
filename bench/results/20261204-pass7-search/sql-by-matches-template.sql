DO $$
DECLARE t record; s timestamptz; ms float8[]; n int; col text; r text := '';
BEGIN
  col := CASE WHEN EXISTS (SELECT 1 FROM information_schema.columns WHERE table_name='customers' AND column_name='search_folded')
    THEN 'search_folded' ELSE $c$translate(search_text, '!"#$%&''()*+,-./:;<=>?@[\]^_`{|}~', 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx')$c$ END;
  FOR rep IN 1..2 LOOP
  ms := '{}';
  FOR t IN SELECT term FROM bench_terms WHERE cls = 'CLS' ORDER BY cls, term LOOP
    s := clock_timestamp();
    EXECUTE format('WITH hits AS MATERIALIZED (SELECT id, created_at FROM customers WHERE store_id = %L AND %s LIKE %L'
      || ' AND strpos(search_text, %L) > 0 LIMIT 5001) SELECT count(*) FROM (SELECT id FROM hits ORDER BY created_at DESC, id DESC LIMIT 26) p',
      'store_2gf1r28rh3gypk0dzan9', col, '%' || translate(t.term, '!"#$%&''()*+,-./:;<=>?@[\]^_`{|}~', 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx') || '%', t.term) INTO n;
    ms := ms || (extract(epoch FROM clock_timestamp() - s) * 1000)::float8;
  END LOOP;
  SELECT format('CLS rep %s: %s terms, ms p50 %s p90 %s p99 %s max %s sum %s', rep, count(*),
    round(percentile_cont(0.5) WITHIN GROUP (ORDER BY x)::numeric, 2), round(percentile_cont(0.9) WITHIN GROUP (ORDER BY x)::numeric, 2),
    round(percentile_cont(0.99) WITHIN GROUP (ORDER BY x)::numeric, 2), round(max(x)::numeric, 2), round(sum(x)::numeric, 1)) INTO r FROM unnest(ms) x;
  RAISE NOTICE '%', r;
  END LOOP;
END $$;
