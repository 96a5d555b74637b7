-- Issue 17: segment_member_ids (V60) reads the state rows only for an evaluated segment again.
--
-- V60 asks for the segment's number in a sub-select compared with each state row's numbers; for a
-- static segment that number is NULL, but PostgreSQL still scans every state row of the store to
-- find no row. At 1M customers (1M state rows) every read of a static segment's members paid
-- ~80-100 ms of CPU for that scan: the customer list of a small static segment (its members, each
-- by key) and a large one's walk against a hash of its members. The EXISTS below (as in V34) has
-- no column of the row, so PostgreSQL tests it once, before the scan, and skips the scan when the
-- segment is static or gone. Same rows as before.
CREATE OR REPLACE FUNCTION segment_member_ids(p_store text, p_segment text)
  RETURNS TABLE (customer_id text)
  LANGUAGE sql STABLE
AS $$
  SELECT m.customer_id FROM segment_members m WHERE m.store_id = p_store AND m.segment_id = p_segment
  UNION ALL
  SELECT e.customer_id FROM customer_eval_state e
  WHERE e.store_id = p_store
    AND EXISTS (SELECT 1 FROM segments g WHERE g.store_id = p_store AND g.id = p_segment AND g.type <> 'static')
    AND (SELECT g.num FROM segments g WHERE g.store_id = p_store AND g.id = p_segment AND g.type <> 'static')
      = ANY(e.segment_nums)
$$;
