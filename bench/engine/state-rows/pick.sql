-- Issue 14, V60: one round's input: 2,000 random customers, each with one membership toggled;
-- the same change for both tables (ids in inp_a, numbers in inp_b).
SET client_min_messages = warning;
DROP TABLE IF EXISTS pick, inp_a, inp_b;
CREATE TEMP TABLE pick AS SELECT b.customer_id c, b.segment_nums nums, (1 + floor(random()*1000))::int t
  FROM b_state b ORDER BY random() LIMIT 2000;
CREATE TEMP TABLE inp_b AS SELECT 'store_xh5kmyf6np23a8c0q42h'::text s, c, now() seen, decode(repeat(md5(c), 5), 'hex') st, '{"items":[1]}'::text cart,
  array_to_string(CASE WHEN t = ANY(nums) THEN array_remove(nums, t) ELSE array(SELECT unnest(nums || t) ORDER BY 1) END, ',') segs FROM pick;
CREATE TEMP TABLE inp_a AS SELECT i.s, i.c, i.seen, i.st, i.cart,
  (SELECT string_agg(g.id, ',' ORDER BY g.num) FROM segs g WHERE g.num = ANY(string_to_array(i.segs, ',')::int[])) segs FROM inp_b i;
