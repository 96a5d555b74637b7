-- exact matches and 8 SYSTEM samples' candidate estimates for each bench surname
CREATE TEMP TABLE terms(term text);
\copy terms from '/work/search34-work/data/bench-seed/terms-surname.txt'
CREATE TEMP TABLE tt AS SELECT term, ARRAY(SELECT substr(term, i, 3) FROM generate_series(1, length(term)-2) i) AS tri FROM terms;
CREATE TEMP TABLE exact AS SELECT term, (SELECT count(*) FROM customer_search WHERE strpos(search_text, term) > 0) AS matches,
  (SELECT count(*) FROM customer_search WHERE search_folded LIKE '%'||term||'%') AS cands FROM tt;
CREATE TEMP TABLE est(run int, term text, est bigint);
DO $$
DECLARE r int; n bigint; tr float8;
BEGIN
  SELECT reltuples INTO tr FROM pg_class WHERE relname = 'customers';
  FOR r IN 1..8 LOOP
    CREATE TEMP TABLE s AS SELECT show_trgm(search_folded) AS g FROM customers TABLESAMPLE SYSTEM (2.0);
    SELECT count(*) INTO n FROM s;
    INSERT INTO est SELECT r, tt.term, round((SELECT count(*) FROM s WHERE s.g @> tt.tri) * tr / n) FROM tt;
    DROP TABLE s;
  END LOOP;
END $$;
SELECT e.term, x.matches, x.cands, string_agg(e.est::text, ' ' ORDER BY run), sum(CASE WHEN e.est <= 1818 THEN 1 ELSE 0 END) AS trig_runs
FROM est e JOIN exact x USING (term) GROUP BY e.term, x.matches, x.cands ORDER BY x.matches;
