-- lead17 (issue 14, seventeenth pass): since-pick.sql's input, plus the columns the variants of this pass read
\ir since-pick.sql
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
