-- Issue 17: the customer list of a static segment in the list's default order, a page at a time.
--
-- A page of "customers of segment S, newest first" had no key that gives S's members in that
-- order: the list walked customers_by_created_search and tested each row's membership, or read
-- every member by key and sorted. Both cost what lies before the page: a segment of the oldest
-- 10 % of 1M customers, newest first, passed 900,000 non-members (0.4-1.1 s of PostgreSQL CPU
-- per page, bench/README.md, thirteenth pass). The members of a static segment now carry their
-- customer's created_at, keyed (store, segment, created_at, customer): a page is its next n
-- entries from the cursor, whatever the segment's size or where its members are.
--
-- created_at is the customer's, which never changes in practice (no API sets it after creation);
-- the trigger on customers below keeps it right if a write ever does. Shoal's writers of
-- segment_members (SegmentRepository, SegmentItems) join the customer row they lock and write
-- its created_at; any other insert (tests, benches, manual SQL) gets it from the BEFORE trigger,
-- whose WHEN keeps it from running for writers that wrote it. A membership whose customer does
-- not exist has none (the list joins customers, so it could not show it anyway).
ALTER TABLE segment_members ADD COLUMN created_at timestamptz;

UPDATE segment_members m SET created_at = c.created_at
FROM customers c WHERE c.store_id = m.store_id AND c.id = m.customer_id;

CREATE INDEX segment_members_by_created ON segment_members (store_id, segment_id, created_at, customer_id);

CREATE FUNCTION segment_members_created_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  SELECT c.created_at INTO NEW.created_at FROM customers c WHERE c.store_id = NEW.store_id AND c.id = NEW.customer_id;
  RETURN NEW;
END
$$;

CREATE TRIGGER segment_members_created_at BEFORE INSERT ON segment_members
  FOR EACH ROW WHEN (NEW.created_at IS NULL) EXECUTE FUNCTION segment_members_created_at();

CREATE FUNCTION segment_members_of_recreated_customer() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE segment_members SET created_at = NEW.created_at WHERE store_id = NEW.store_id AND customer_id = NEW.id;
  RETURN NULL;
END
$$;

CREATE TRIGGER segment_members_of_recreated_customer AFTER UPDATE OF created_at ON customers
  FOR EACH ROW WHEN (OLD.created_at IS DISTINCT FROM NEW.created_at)
  EXECUTE FUNCTION segment_members_of_recreated_customer();

-- Whether a segment's members are all in segment_members (a static segment): only then does the
-- function below list all of them. Evaluated segments keep theirs in the evaluation state.
CREATE FUNCTION segment_is_static(p_store text, p_segment text) RETURNS boolean
  LANGUAGE sql STABLE
AS $$
  SELECT EXISTS (SELECT 1 FROM segments g WHERE g.store_id = p_store AND g.id = p_segment AND g.type = 'static')
$$;

-- The next p_limit members of a static segment in (created_at, customer_id) order, descending or
-- ascending, strictly after (p_after_at, p_after_id), with created_at in [p_from, p_before). No
-- NULL arguments: '-infinity'/'infinity' and '' stand for no bound, so that every condition
-- stays a bound of the index scan in a generic plan too. Each direction is its own branch; the
-- other is cut before it runs (p_desc is known when the statement starts).
CREATE FUNCTION segment_members_by_created(p_store text, p_segment text, p_desc boolean, p_after_at timestamptz,
                                           p_after_id text, p_from timestamptz, p_before timestamptz, p_limit bigint)
  RETURNS TABLE (customer_id text, created_at timestamptz)
  LANGUAGE sql STABLE
AS $$
  (SELECT m.customer_id, m.created_at FROM segment_members m
   WHERE p_desc AND m.store_id = p_store AND m.segment_id = p_segment
     AND (m.created_at, m.customer_id) < (p_after_at, p_after_id)
     AND m.created_at >= p_from AND m.created_at < p_before
   ORDER BY m.created_at DESC, m.customer_id DESC LIMIT p_limit)
  UNION ALL
  (SELECT m.customer_id, m.created_at FROM segment_members m
   WHERE NOT p_desc AND m.store_id = p_store AND m.segment_id = p_segment
     AND (m.created_at, m.customer_id) > (p_after_at, p_after_id)
     AND m.created_at >= p_from AND m.created_at < p_before
   ORDER BY m.created_at, m.customer_id LIMIT p_limit)
$$;
