-- Issue 14, twelfth pass: the sets' ids come from their position, and doubts are read back by
-- what the reader needs.
--
-- 1. A set's notification ids were stored (ids text[], 20-character ids made from transition ids)
--    and found by a GIN index on them, for GET .../events/{id} and redeliveries: in bench/engine
--    the insert into notification_sets was 26 % of PostgreSQL's time (~189 us a row), the GIN
--    index about half of that. Now a set written from here on stores no ids: its k-th
--    notification's id is notification_set_id(row seq + k - 1), 'evt_u' and the seq in 19
--    digits. Every other id Shoal makes (kernel.Ids) is 'evt_' and 20 characters of an alphabet
--    without 'u', so these never meet an id of notifications or of a set written before. Sets
--    written before keep their stored ids, found by a (partial) GIN index over them alone.
-- 2. notifications_written_at(seqs, store, segments): a reader's doubts (outbox.Doubts) read back
--    with only the notifications it wants (automations: the enters and leaves of the segments
--    their rules trigger on; a stream: its store's), and one row per visible row written at those
--    seqs, which is what ends a doubt.

ALTER TABLE notification_sets ALTER COLUMN ids DROP NOT NULL;
ALTER TABLE notification_sets DROP CONSTRAINT notification_sets_check;
-- NOT VALID: every row written before satisfies it (it is V58's check with ids optional); new rows are checked
ALTER TABLE notification_sets ADD CONSTRAINT notification_sets_check
  CHECK (cardinality(entered) BETWEEN 1 AND 1024 AND cardinality(segment_ids) = cardinality(entered)
         AND cardinality(segment_names) = cardinality(entered)
         AND (ids IS NULL OR cardinality(ids) = cardinality(entered))) NOT VALID;
DROP INDEX notification_sets_by_id;
CREATE INDEX notification_sets_by_stored_id ON notification_sets USING gin (ids) WHERE ids IS NOT NULL;

-- The id of the notification at seq in a set that stores no ids.
CREATE FUNCTION notification_set_id(p_seq bigint) RETURNS text
  LANGUAGE sql IMMUTABLE
AS $$
  SELECT 'evt_u' || lpad(p_seq::text, 19, '0')
$$;

-- The seq an id of notification_set_id names, or null.
CREATE FUNCTION notification_set_seq(p_id text) RETURNS bigint
  LANGUAGE sql IMMUTABLE
AS $$
  SELECT CASE WHEN p_id ~ '^evt_u[0-8][0-9]{18}$' THEN substr(p_id, 6)::bigint END
$$;

CREATE OR REPLACE FUNCTION notification_items(s notification_sets)
  RETURNS TABLE (seq bigint, k bigint, store_id text, id text, type text, customer_id text, data jsonb,
                 created_at timestamptz, segment_id text)
  LANGUAGE sql IMMUTABLE
AS $$
  SELECT s.seq + u.k - 1, u.k, s.store_id, coalesce(u.id, notification_set_id(s.seq + u.k - 1)),
         CASE WHEN u.entered THEN 'customer.segment.entered' ELSE 'customer.segment.left' END, s.customer_id,
         notification_set_data(s.shared, u.segment_id, u.name, s.customer_id), s.created_at, u.segment_id
  FROM unnest(s.ids, s.entered, s.segment_ids, s.segment_names) WITH ORDINALITY AS u(id, entered, segment_id, name, k)
$$;

CREATE OR REPLACE FUNCTION notification_item_keys(s notification_sets)
  RETURNS TABLE (seq bigint, k bigint, id text, type text, segment_id text, segment_name text)
  LANGUAGE sql IMMUTABLE
AS $$
  SELECT s.seq + u.k - 1, u.k, coalesce(u.id, notification_set_id(s.seq + u.k - 1)),
         CASE WHEN u.entered THEN 'customer.segment.entered' ELSE 'customer.segment.left' END, u.segment_id, u.name
  FROM unnest(s.ids, s.entered, s.segment_ids, s.segment_names) WITH ORDINALITY AS u(id, entered, segment_id, name, k)
$$;

-- A store's notification by id, or none: one row of notifications, a set written before V61 by
-- its stored ids, or a set written since by the seq its id names (primary key).
CREATE OR REPLACE FUNCTION notification_by_id(p_store text, p_id text)
  RETURNS TABLE (seq bigint, store_id text, id text, type text, customer_id text, data jsonb, created_at timestamptz)
  LANGUAGE sql STABLE
AS $$
  SELECT n.seq, n.store_id, n.id, n.type, n.customer_id, n.data, n.created_at FROM notifications n
  WHERE n.store_id = p_store AND n.id = p_id
  UNION ALL
  SELECT e.seq, e.store_id, e.id, e.type, e.customer_id, e.data, e.created_at
  FROM notification_sets s CROSS JOIN LATERAL notification_items(s) e
  WHERE s.store_id = p_store AND s.ids @> ARRAY[p_id] AND e.id = p_id
  UNION ALL
  SELECT e.seq, e.store_id, e.id, e.type, e.customer_id, e.data, e.created_at
  FROM (SELECT notification_set_seq(p_id) AS v) q
  CROSS JOIN LATERAL (SELECT * FROM notification_sets s WHERE s.seq > q.v - 1024 AND s.seq <= q.v
                      AND s.store_id = p_store AND s.ids IS NULL) s
  CROSS JOIN LATERAL notification_items(s) e WHERE e.seq = q.v
$$;

CREATE OR REPLACE FUNCTION notifications_last_seq(p_store text) RETURNS bigint
  LANGUAGE sql STABLE
AS $$
  SELECT greatest(
    (SELECT coalesce(max(n.seq), 0) FROM notifications n WHERE n.store_id = p_store),
    (SELECT coalesce(max(s.seq + cardinality(s.entered) - 1), 0) FROM
      (SELECT seq, entered FROM notification_sets WHERE store_id = p_store ORDER BY seq DESC LIMIT 1) s))
$$;

-- The rows written at these values of the sequence that are visible now, and of their
-- notifications those a reader wants: one row per visible row with only row_seq (what ends a
-- doubt: outbox.Doubts), and the notifications of store p_store (null: any) that, with
-- p_segments (null: any), are enters or leaves of those segments; in seq order. The data is built
-- for the notifications kept only.
CREATE FUNCTION notifications_written_at(p_seqs bigint[], p_store text, p_segments text[])
  RETURNS TABLE (row_seq bigint, seq bigint, store_id text, id text, type text, customer_id text, data jsonb,
                 created_at timestamptz)
  LANGUAGE sql STABLE
AS $$
  SELECT x.* FROM (
    SELECT v.seq AS row_seq, NULL::bigint AS seq, NULL::text AS store_id, NULL::text AS id, NULL::text AS type,
           NULL::text AS customer_id, NULL::jsonb AS data, NULL::timestamptz AS created_at
    FROM (SELECT n.seq FROM notifications n WHERE n.seq = ANY(p_seqs)
          UNION ALL SELECT s.seq FROM notification_sets s WHERE s.seq = ANY(p_seqs)) v
    UNION ALL
    SELECT n.seq, n.seq, n.store_id, n.id, n.type, n.customer_id, n.data, n.created_at FROM notifications n
    WHERE n.seq = ANY(p_seqs) AND (p_store IS NULL OR n.store_id = p_store)
    AND (p_segments IS NULL OR (n.type IN ('customer.segment.entered', 'customer.segment.left')
                                AND n.data->>'segment_id' = ANY(p_segments)))
    UNION ALL
    SELECT s.seq, e.seq, s.store_id, e.id, e.type, s.customer_id,
           notification_set_data(s.shared, e.segment_id, e.segment_name, s.customer_id), s.created_at
    FROM notification_sets s CROSS JOIN LATERAL notification_item_keys(s) e
    WHERE s.seq = ANY(p_seqs) AND (p_store IS NULL OR s.store_id = p_store)
    AND (p_segments IS NULL OR cardinality(p_segments) > 0) -- no segment wanted: the sets are not read
    AND (p_segments IS NULL OR (s.segment_ids && p_segments AND e.segment_id = ANY(p_segments)))
  ) x ORDER BY x.row_seq, x.seq NULLS FIRST
$$;
