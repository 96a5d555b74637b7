-- Issue 14, state rows without the since join: one round's input, the same for both tables: 2,000 random customers; three in four
-- have their memberships changed (~14 flips an event with flips in bench/engine: here 3 left and
-- 3 entered), the rest only their state (segs NULL), as the evaluator's batches write them.
-- A list keeps the order of the stored one (the evaluator writes by slot; here by a hash).
SET client_min_messages = warning;
DROP TABLE IF EXISTS pick, inp;
CREATE UNLOGGED TABLE pick AS SELECT c, nums, random() < 0.75 AS changed
  FROM (SELECT o.customer_id c, o.segment_nums nums FROM old_state o ORDER BY random() LIMIT 2000) r;
CREATE UNLOGGED TABLE inp AS SELECT 'store_xh5kmyf6np23a8c0q42h'::text s, p.c, now() seen,
  decode(repeat(md5(p.c || random()), 19), 'hex') st, '{"items":[1]}'::text cart,
  CASE WHEN p.changed THEN (SELECT coalesce(string_agg(x::text, ',' ORDER BY hashtext(p.c || x::text)), '') FROM (
      (SELECT u FROM unnest(p.nums) u ORDER BY random() OFFSET 3)
      UNION (SELECT 1 + floor(random() * 1000)::int FROM generate_series(1, 3))) y(x)) END segs
  FROM pick p;
-- the same lists in ascending order, as the evaluator writes them now
ALTER TABLE inp ADD COLUMN sorted text;
UPDATE inp SET sorted = (SELECT string_agg(x, ',' ORDER BY x::int) FROM unnest(string_to_array(segs, ',')) x) WHERE segs IS NOT NULL;
UPDATE inp SET sorted = '' WHERE segs = '';
-- and how the new list is made of the stored one, as the evaluator sends it now (since-runs.sql)
ALTER TABLE inp ADD COLUMN runs text;
UPDATE inp i SET runs = bench_runs((SELECT array_agg(x ORDER BY x) FROM unnest(p.nums) x), string_to_array(i.sorted, ',')::int[])
  FROM pick p WHERE p.c = i.c AND i.sorted IS NOT NULL;
ANALYZE inp;
-- lead17: what Java would send if it made the arrays itself (the since-times of kept memberships from the stored row)
ALTER TABLE inp ADD COLUMN nums_arr int[], ADD COLUMN since_arr timestamptz[], ADD COLUMN blob bytea;
UPDATE inp i SET nums_arr = string_to_array(i.sorted, ',')::int[] WHERE i.sorted IS NOT NULL;
UPDATE inp i SET since_arr = ARRAY(SELECT coalesce(o.t, now()) FROM unnest(i.nums_arr) WITH ORDINALITY AS n(id, k)
  LEFT JOIN old_state e ON e.customer_id = i.c LEFT JOIN LATERAL unnest(e.segment_nums, e.segment_since) AS o(id, t) ON o.id = n.id ORDER BY n.k)
  WHERE i.nums_arr IS NOT NULL;
-- a compact encoding: ~3 bytes a membership (varint number deltas + a since-instant dictionary index)
UPDATE inp i SET blob = decode(repeat(md5(i.c || 'm'), (cardinality(i.nums_arr) * 3) / 16 + 1), 'hex') WHERE i.nums_arr IS NOT NULL;
ANALYZE inp;
ALTER TABLE inp ADD COLUMN runs_arr int[];
UPDATE inp SET runs_arr = string_to_array(runs, ',')::int[] WHERE runs IS NOT NULL;
ANALYZE inp;
ALTER TABLE inp ADD COLUMN stored text;
UPDATE inp i SET stored = (SELECT string_agg(x::text, ',' ORDER BY x) FROM unnest(p.nums) x) FROM pick p WHERE p.c = i.c AND i.sorted IS NOT NULL;
ANALYZE inp;
-- the stored list's hash_array appended to the runs (for hash.sql)
UPDATE inp i SET runs = runs || ',' || hash_array(string_to_array(i.stored, ',')::int[]) WHERE runs IS NOT NULL;
ANALYZE inp;
-- packed since-times as V69 stores them (8 distinct instants: 2 + 64 bytes, then a byte per membership)
ALTER TABLE inp ADD COLUMN packed bytea;
UPDATE inp SET packed = decode(repeat('00', 66 + cardinality(nums_arr)), 'hex') WHERE nums_arr IS NOT NULL;
ANALYZE inp;
-- packed since-times with an instant per membership (2 + 9 bytes a membership)
ALTER TABLE inp ADD COLUMN packed9 bytea;
UPDATE inp SET packed9 = decode(repeat('00', 2 + 9 * cardinality(nums_arr)), 'hex') WHERE nums_arr IS NOT NULL;
ANALYZE inp;
