-- Issue 14: a membership row cost about 0.13 ms of PostgreSQL time, 60 % of it the two foreign
-- keys' per-row checks (each a query run by a row trigger) and one index that repeats another's
-- prefix. Writers of segment_members now lock the customer and segment rows they join, in one
-- set-based statement (SELECT ... FOR KEY SHARE: the same locks the foreign-key checks took, so a
-- concurrent delete still waits for the membership to commit, or the membership is not written),
-- and the cascades become statement triggers: deleting customers or segments (directly, or by a
-- store's cascade) deletes their memberships in the same transaction, as ON DELETE CASCADE did.

DROP INDEX segment_members_by_customer; -- segment_members_by_customer_segment starts with the same columns

ALTER TABLE segment_members DROP CONSTRAINT segment_members_store_id_segment_id_fkey;
ALTER TABLE segment_members DROP CONSTRAINT segment_members_store_id_customer_id_fkey;

CREATE FUNCTION segment_members_of_deleted_customers() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM segment_members m USING gone g WHERE m.store_id = g.store_id AND m.customer_id = g.id;
  RETURN NULL;
END
$$;

CREATE FUNCTION segment_members_of_deleted_segments() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM segment_members m USING gone g WHERE m.store_id = g.store_id AND m.segment_id = g.id;
  RETURN NULL;
END
$$;

CREATE TRIGGER segment_members_of_deleted_customers AFTER DELETE ON customers
  REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION segment_members_of_deleted_customers();
CREATE TRIGGER segment_members_of_deleted_segments AFTER DELETE ON segments
  REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION segment_members_of_deleted_segments();
