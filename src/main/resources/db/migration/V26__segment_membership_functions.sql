-- Memberships as other capabilities read them in SQL. Customer search, the customer profile,
-- automation trigger conditions and campaign audience snapshots read who is in a segment
-- through these two functions instead of naming segment_members, so the segment capability can
-- change how memberships are stored (issue 14: dynamic memberships as snapshots of dense customer
-- numbers plus the transition log, not one indexed row per member) without touching its readers.
-- LANGUAGE sql and STABLE with one SELECT: PostgreSQL inlines them, so a reader's plan is the one
-- it had when it named the table.

-- The ids of the customers in a segment (static or evaluated) now.
CREATE FUNCTION segment_member_ids(p_store text, p_segment text)
  RETURNS TABLE (customer_id text)
  LANGUAGE sql STABLE
AS $$
  SELECT m.customer_id FROM segment_members m WHERE m.store_id = p_store AND m.segment_id = p_segment
$$;

-- The ids of the segments a customer is in now.
CREATE FUNCTION customer_segment_ids(p_store text, p_customer text)
  RETURNS TABLE (segment_id text)
  LANGUAGE sql STABLE
AS $$
  SELECT m.segment_id FROM segment_members m WHERE m.store_id = p_store AND m.customer_id = p_customer
$$;
