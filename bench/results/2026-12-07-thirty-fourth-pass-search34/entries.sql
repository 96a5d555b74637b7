CREATE TEMP TABLE terms(term text);
\copy terms from '/work/search34-work/data/bench-seed/terms-surname.txt'
CREATE TEMP TABLE ord AS SELECT row_number() OVER (ORDER BY created_at DESC, id DESC) AS n, search_text FROM customer_search;
SELECT t.term, (SELECT n FROM ord WHERE strpos(ord.search_text, t.term) > 0 ORDER BY n OFFSET 25 LIMIT 1) AS entries_to_page FROM terms t;
