-- Issue 14: a customer's evaluated memberships are kept in its state row by segment NUMBER, not id.
-- With 1,000 segments a customer is in ~120 (bench/engine's 12 %): as text ids (`seg_` + 20
-- characters) the array was ~3.4 kB, with its `since` times ~4.6 kB a row, so every row went to
-- TOAST and every change of a membership wrote the whole list out of line again (a TOAST heap row
-- and index entry per 2 kB chunk, the old chunks left dead). As integers the list is ~0.5 kB and
-- the row (~1.7 kB) stays inline. Measured alone (a 30,000-row copy of the table on PostgreSQL 15,
-- fsync on, 2,000 rows upserted with one membership changed each, the evaluator's statement):
-- 1.2-2.6 s a batch with ids against 0.4-0.7 s with numbers. The start reads the numbers too, each
-- found without hashing a string.
--
-- segments.num: a number unique in the whole database (one sequence), given when the segment is
-- created and never changed or reused. Readers join it back to the segment (store_id, num).
CREATE SEQUENCE segment_nums AS integer;
ALTER TABLE segments ADD COLUMN num integer;
UPDATE segments s SET num = n.num
FROM (SELECT store_id, id, nextval('segment_nums') AS num
      FROM (SELECT store_id, id FROM segments ORDER BY created_at, store_id, id) o) n
WHERE s.store_id = n.store_id AND s.id = n.id;
ALTER TABLE segments ALTER COLUMN num SET DEFAULT nextval('segment_nums'), ALTER COLUMN num SET NOT NULL;
ALTER SEQUENCE segment_nums OWNED BY segments.num;
CREATE UNIQUE INDEX segments_by_num ON segments (store_id, num);

-- segment_nums: the evaluated segments the customer is in, by number (NULL: none);
-- segment_since keeps its meaning, position by position. Ids of segments that no longer exist
-- are dropped with their times (the evaluator's next batch would have dropped them).
ALTER TABLE customer_eval_state ADD COLUMN segment_nums integer[];
UPDATE customer_eval_state e SET (segment_nums, segment_since) = (
    SELECT array_agg(g.num ORDER BY u.k), array_agg(u.since ORDER BY u.k)
    FROM unnest(e.segment_ids, e.segment_since) WITH ORDINALITY AS u(id, since, k)
    JOIN segments g ON g.store_id = e.store_id AND g.id = u.id)
WHERE e.segment_ids IS NOT NULL;

-- The readers of V34, same columns and answers, through the numbers.
CREATE OR REPLACE VIEW segment_memberships AS
  SELECT m.store_id, m.segment_id, m.customer_id, m.since, m.legal_entity_id, m.attributes
  FROM segment_members m
  UNION ALL
  SELECT e.store_id, g.id, e.customer_id, u.since, NULL::text, NULL::jsonb
  FROM customer_eval_state e
  CROSS JOIN LATERAL unnest(e.segment_nums, e.segment_since) AS u(num, since)
  JOIN segments g ON g.store_id = e.store_id AND g.num = u.num AND g.type <> 'static'
  WHERE e.segment_nums IS NOT NULL;

CREATE OR REPLACE FUNCTION segment_member_ids(p_store text, p_segment text)
  RETURNS TABLE (customer_id text)
  LANGUAGE sql STABLE
AS $$
  SELECT m.customer_id FROM segment_members m WHERE m.store_id = p_store AND m.segment_id = p_segment
  UNION ALL
  SELECT e.customer_id FROM customer_eval_state e
  WHERE e.store_id = p_store
    AND (SELECT g.num FROM segments g WHERE g.store_id = p_store AND g.id = p_segment AND g.type <> 'static')
      = ANY(e.segment_nums)
$$;

ALTER TABLE customer_eval_state DROP COLUMN segment_ids;
