-- engine33: rowsizes.sql for the V80 (since-instants) form
SELECT count(*) AS rows,
  round(avg(pg_column_size(e.*))) AS row_b,
  round(avg(pg_column_size(state_bin))) AS state_bin_b,
  round(avg(pg_column_size(segment_nums))) AS nums_b,
  round(avg(pg_column_size(segment_nums_packed))) AS packed_b,
  round(avg(pg_column_size(segment_since_instants))) AS instants_b,
  round(avg(pg_column_size(segment_since_refs))) AS refs_b,
  round(avg(cardinality(segment_nums)),1) AS members,
  round(avg(cardinality(segment_since_instants)),1) AS instants,
  max(cardinality(segment_since_instants)) AS max_instants,
  round(avg((SELECT count(DISTINCT r) FROM unnest(segment_since_refs) r)),1) AS referred
FROM customer_eval_state e WHERE segment_nums IS NOT NULL;
SELECT pg_size_pretty(pg_relation_size('customer_eval_state')) AS heap;
