CREATE TEMP TABLE terms(term text);
\copy terms from '/work/search34-work/data/bench-seed/terms-surname.txt'
CREATE TEMP TABLE tt AS SELECT DISTINCT substr(term, i, 3) AS t FROM terms, generate_series(1, length(term)-2) i;
CREATE TEMP TABLE tc AS SELECT g AS t, count(*) AS n FROM customer_search, unnest(show_trgm(search_folded)) g WHERE g IN (SELECT t FROM tt) GROUP BY g;
SELECT term, (SELECT string_agg(substr(term,i,3)||':'||coalesce((SELECT n FROM tc WHERE tc.t = substr(term,i,3)),0), ' ' ORDER BY i) FROM generate_series(1,length(term)-2) i) FROM terms;
