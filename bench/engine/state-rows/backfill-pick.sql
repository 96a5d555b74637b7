-- Issue 14, a backfill's writes (PICK=backfill-pick.sql since.sh ...): 2,000 random customers join one new segment (a number above
-- every stored one); their state bytes, last seen and cart are those stored (a backfill changes memberships only).
SET client_min_messages = warning;
DROP TABLE IF EXISTS pick, inp;
CREATE UNLOGGED TABLE pick AS SELECT c, nums FROM (SELECT o.customer_id c, (SELECT array_agg(x ORDER BY x) FROM unnest(o.segment_nums) x) nums
  FROM old_state o ORDER BY random() LIMIT 2000) r;
CREATE UNLOGGED TABLE inp AS SELECT o.store_id s, p.c, o.last_seen_at seen, o.state_bin st, o.cart::text cart,
  NULL::text segs, array_to_string(p.nums || (SELECT coalesce(max(u), 1000) + 1 FROM (SELECT unnest(segment_nums) u FROM old_state) m), ',') sorted
  FROM pick p JOIN old_state o ON o.customer_id = p.c;
ALTER TABLE inp ADD COLUMN runs text;
UPDATE inp i SET runs = bench_runs(p.nums, string_to_array(i.sorted, ',')::int[]) FROM pick p WHERE p.c = i.c;
UPDATE inp SET segs = sorted; -- old.sql writes segs (its order: the stored one's, plus the new number at the end)
ANALYZE inp;
