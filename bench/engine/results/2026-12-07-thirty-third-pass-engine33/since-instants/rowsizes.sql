-- engine33: where a state row's bytes are (per column, mean over rows with memberships) and how many distinct
-- since-instants a row holds (the dictionary form's size), how many runs of equal instants in number order
SELECT count(*) AS rows,
  round(avg(pg_column_size(e.*))) AS row_b,
  round(avg(pg_column_size(state_bin))) AS state_bin_b,
  round(avg(coalesce(pg_column_size(cart),0))) AS cart_b,
  round(avg(pg_column_size(segment_nums))) AS nums_b,
  round(avg(pg_column_size(segment_nums_packed))) AS packed_b,
  round(avg(pg_column_size(segment_since))) AS since_b,
  round(avg(cardinality(segment_nums)),1) AS members,
  round(avg((SELECT count(DISTINCT t) FROM unnest(segment_since) t)),1) AS distinct_since,
  max((SELECT count(DISTINCT t) FROM unnest(segment_since) t)) AS max_distinct,
  round(avg((SELECT count(*) FROM (SELECT t, lag(t) OVER (ORDER BY k) AS p FROM unnest(segment_since) WITH ORDINALITY u(t,k)) r WHERE p IS DISTINCT FROM t)),1) AS runs,
  sum(CASE WHEN pg_column_size(segment_since) < 8*cardinality(segment_since) THEN 1 ELSE 0 END) AS compressed_rows
FROM customer_eval_state e WHERE segment_nums IS NOT NULL;
SELECT pg_size_pretty(pg_relation_size('customer_eval_state')) AS heap, pg_size_pretty(pg_indexes_size('customer_eval_state')) AS idx,
  (SELECT string_agg(indexname, ', ') FROM pg_indexes WHERE tablename = 'customer_eval_state') AS indexes;
