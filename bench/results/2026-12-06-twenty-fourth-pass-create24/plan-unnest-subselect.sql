PREPARE s(text, text[]) AS SELECT c.store_id, c.id, c.email, s.state_bin FROM unnest((SELECT $2::text[])) AS u(id) JOIN customers c ON c.store_id = $1 AND c.id = u.id LEFT JOIN customer_eval_state s ON s.store_id = c.store_id AND s.customer_id = c.id;
\set st `grep STORE_ID /work/create24-work/seed/data/bench-seed/store.env | cut -d= -f2`
SELECT array_agg(id) AS ids FROM (SELECT id FROM customers ORDER BY created_at DESC LIMIT 6) x \gset
SELECT array_agg(id) AS ids2 FROM (SELECT id FROM customers ORDER BY created_at DESC LIMIT 2) x \gset
EXECUTE s(:'st', :'ids') \g /dev/null
EXECUTE s(:'st', :'ids2') \g /dev/null
EXECUTE s(:'st', :'ids') \g /dev/null
EXECUTE s(:'st', :'ids') \g /dev/null
EXECUTE s(:'st', :'ids2') \g /dev/null
EXECUTE s(:'st', :'ids') \g /dev/null
EXECUTE s(:'st', :'ids') \g /dev/null
SELECT name, generic_plans, custom_plans FROM pg_prepared_statements;
EXPLAIN ANALYZE EXECUTE s(:'st', :'ids');
SELECT count(*) FROM (EXECUTE s(:'st', :'ids')) x;
