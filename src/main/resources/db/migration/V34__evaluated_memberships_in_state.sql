-- Issue 14: the memberships of evaluated (dynamic and passive) segments leave segment_members.
-- A flip cost an indexed row (insert or delete, two B-trees, key locks on the customer and the
-- segment) in the evaluator's batch; an order event flips tens of segments at 1,000 segments, and
-- creating 1,000 segments over 100,000 customers wrote 12 million rows. The evaluator already
-- writes one row per customer it touches (customer_eval_state); the customer's memberships are now
-- two arrays in that row, written in the same statement, only when they changed, and read back at
-- start with the state (no scan of every membership row). Static segments keep their rows: they
-- carry a legal entity and attributes and are written by the API, not the evaluator.
--
-- segment_ids:   the evaluated segments the customer is in (NULL: none)
-- segment_since: when the customer entered each, position by position
ALTER TABLE customer_eval_state
  ADD COLUMN segment_ids text[],
  ADD COLUMN segment_since timestamptz[];

INSERT INTO customer_eval_state (store_id, customer_id, segment_ids, segment_since)
SELECT m.store_id, m.customer_id, array_agg(m.segment_id ORDER BY m.segment_id), array_agg(m.since ORDER BY m.segment_id)
FROM segment_members m JOIN segments s ON s.store_id = m.store_id AND s.id = m.segment_id
WHERE s.type <> 'static'
GROUP BY m.store_id, m.customer_id
ON CONFLICT (store_id, customer_id) DO UPDATE SET segment_ids = EXCLUDED.segment_ids,
  segment_since = EXCLUDED.segment_since;

DELETE FROM segment_members m USING segments s
WHERE s.store_id = m.store_id AND s.id = m.segment_id AND s.type <> 'static';

-- Every membership, static or evaluated, as readers see it: (store, segment, customer, since,
-- legal entity, attributes). A reader that names the customer reads one state row; one that names
-- only the segment reads the store's state rows (segment_member_ids below). A segment that is no
-- longer evaluated (deleted, or made static) is dropped from the arrays by the evaluator's next
-- batch; until then the join leaves it out.
CREATE VIEW segment_memberships AS
  SELECT m.store_id, m.segment_id, m.customer_id, m.since, m.legal_entity_id, m.attributes
  FROM segment_members m
  UNION ALL
  SELECT e.store_id, u.segment_id, e.customer_id, u.since, NULL::text, NULL::jsonb
  FROM customer_eval_state e
  CROSS JOIN LATERAL unnest(e.segment_ids, e.segment_since) AS u(segment_id, since)
  JOIN segments g ON g.store_id = e.store_id AND g.id = u.segment_id AND g.type <> 'static'
  WHERE e.segment_ids IS NOT NULL;

CREATE OR REPLACE FUNCTION segment_member_ids(p_store text, p_segment text)
  RETURNS TABLE (customer_id text)
  LANGUAGE sql STABLE
AS $$
  SELECT m.customer_id FROM segment_members m WHERE m.store_id = p_store AND m.segment_id = p_segment
  UNION ALL
  SELECT e.customer_id FROM customer_eval_state e
  WHERE e.store_id = p_store AND p_segment = ANY(e.segment_ids)
    AND EXISTS (SELECT 1 FROM segments g WHERE g.store_id = p_store AND g.id = p_segment AND g.type <> 'static')
$$;

CREATE OR REPLACE FUNCTION customer_segment_ids(p_store text, p_customer text)
  RETURNS TABLE (segment_id text)
  LANGUAGE sql STABLE
AS $$
  SELECT m.segment_id FROM segment_memberships m WHERE m.store_id = p_store AND m.customer_id = p_customer
$$;
