-- for each bench surname: matches (search_text contains it), and those whose last name does not start with it
CREATE TEMP TABLE terms(term text);
\copy terms from '/work/search34-work/data/bench-seed/terms-surname.txt'
SELECT t.term, count(*) AS matches, count(*) FILTER (WHERE lower(coalesce(c.last_name, '')) NOT LIKE t.term || '%') AS not_surname_start,
  count(*) FILTER (WHERE lower(coalesce(c.last_name, '')) NOT LIKE '%' || t.term || '%') AS not_in_surname
FROM terms t JOIN customers c ON strpos(c.search_text, t.term) > 0 GROUP BY t.term ORDER BY 2;
