-- Issue 14: every segment enter/leave notification was one notifications row (~20 per event at
-- 1,000 segments), each with its own jsonb copy of the customer snapshot, a heap tuple and three
-- index entries: 31-52 us of PostgreSQL per row in bench/engine, the largest per-flip cost of the
-- evaluator's batch once V57 made its transitions one row per event. Now the segment
-- notifications of one customer's event (what one batch announces for it: same customer, instant,
-- cause and snapshot) are one notification_sets row: arrays of the notifications' ids, directions,
-- segments and segment names, and the shared part of their data once. Other notifications
-- (customer.*, order.completed, campaign.*, data_request.*) stay in notifications, as before.
--
-- Positions: both tables take their seq from notifications_seq_seq, which steps by 1,024 from
-- here on, at values 1 mod 1,024. A set's k-th notification (k from 1) has seq = row seq + k - 1,
-- so a set holds at most 1,024 (writers split longer runs). Every notification keeps a unique,
-- increasing position (what streams show as the SSE id, the relay and automations keep as their
-- position, and webhook_deliveries.notification_seq holds), with no sequence call per
-- notification. All of a set's notifications commit in one transaction, so readers that wait for
-- writers (outbox.Doubts) reason about the values the sequence handed out, 1 mod 1,024: a set is
-- absent or visible as a whole. Rows written before this migration keep their seqs.
--
-- Readers go through the functions below (one notification per row, the columns notifications
-- has), never through the tables: notification_log for reads by customer, the others for the
-- hot reads by position, which bound each table's scan before expanding a set.

-- A delivery's seq may be a set's notification now: no foreign key can hold it. Erasure deletes
-- the deliveries of the notifications it deletes itself (outbox.NotificationLog.erase).
ALTER TABLE webhook_deliveries DROP CONSTRAINT IF EXISTS webhook_deliveries_notification_seq_fkey;

CREATE TABLE notification_sets (
  seq            bigint PRIMARY KEY DEFAULT nextval('notifications_seq_seq'),
  store_id       text NOT NULL,
  customer_id    text NOT NULL,
  created_at     timestamptz NOT NULL,
  -- what every notification of the set carries in its data: customer, cause, occurred_at
  shared         jsonb NOT NULL,
  ids            text[] NOT NULL,
  entered        boolean[] NOT NULL,
  segment_ids    text[] NOT NULL,
  segment_names  text[] NOT NULL,
  CHECK (cardinality(ids) BETWEEN 1 AND 1024 AND cardinality(entered) = cardinality(ids)
         AND cardinality(segment_ids) = cardinality(ids) AND cardinality(segment_names) = cardinality(ids))
);
CREATE INDEX notification_sets_by_store ON notification_sets (store_id, seq);
-- GET .../events/{id} and redeliveries find a notification by id (its pending list takes a set's
-- ids in one append)
CREATE INDEX notification_sets_by_id ON notification_sets USING gin (ids);

ALTER SEQUENCE notifications_seq_seq INCREMENT BY 1024;
-- the next value is above every seq handed out so far, and 1 mod 1,024; last_value (called) stays
-- the highest multiple-of-1,024-plus-1 not above them, so last_value + 1,023 covers them all
SELECT setval('notifications_seq_seq',
  greatest((SELECT coalesce(max(seq), 0) FROM notifications), (SELECT last_value FROM notifications_seq_seq)) / 1024 * 1024 + 1,
  true);

-- A set's notifications, one row each, as notifications holds them (data has the same keys and
-- values, so the same jsonb). LANGUAGE sql, one SELECT: inlined where it is called.
CREATE FUNCTION notification_items(s notification_sets)
  RETURNS TABLE (seq bigint, k bigint, store_id text, id text, type text, customer_id text, data jsonb,
                 created_at timestamptz, segment_id text)
  LANGUAGE sql IMMUTABLE
AS $$
  SELECT s.seq + u.k - 1, u.k, s.store_id, u.id,
         CASE WHEN u.entered THEN 'customer.segment.entered' ELSE 'customer.segment.left' END, s.customer_id,
         s.shared || jsonb_build_object('segment_id', u.segment_id, 'segment_name', u.name, 'customer_id', s.customer_id),
         s.created_at, u.segment_id
  FROM unnest(s.ids, s.entered, s.segment_ids, s.segment_names) WITH ORDINALITY AS u(id, entered, segment_id, name, k)
$$;

-- Every notification, one row each, with the columns notifications has (and row_seq, the seq of
-- the row it is stored in). Conditions on store_id, customer_id or row_seq apply to the tables;
-- one on seq alone does not: bound row_seq too (row_seq > x - 1024).
CREATE VIEW notification_log AS
  SELECT n.seq, n.seq AS row_seq, n.store_id, n.id, n.type, n.customer_id, n.data, n.created_at
  FROM notifications n
  UNION ALL
  SELECT e.seq, s.seq, e.store_id, e.id, e.type, e.customer_id, e.data, e.created_at
  FROM notification_sets s CROSS JOIN LATERAL notification_items(s) e;

-- Each function below reads each table in seq order, bounded (a LIMIT on sets, which hold at
-- least one notification each and at most one of which starts at or below p_after and ends
-- above it), and merges the two.

-- Every store's notifications after p_after, in seq order (the Kafka relay).
CREATE FUNCTION notifications_after(p_after bigint, p_limit int)
  RETURNS TABLE (seq bigint, store_id text, id text, type text, customer_id text, data jsonb, created_at timestamptz)
  LANGUAGE sql STABLE
AS $$
  SELECT x.seq, x.store_id, x.id, x.type, x.customer_id, x.data, x.created_at FROM (
    (SELECT n.seq, n.store_id, n.id, n.type, n.customer_id, n.data, n.created_at FROM notifications n
     WHERE n.seq > p_after ORDER BY n.seq LIMIT p_limit)
    UNION ALL
    (SELECT e.seq, e.store_id, e.id, e.type, e.customer_id, e.data, e.created_at
     FROM (SELECT * FROM notification_sets s WHERE s.seq > p_after - 1024 ORDER BY s.seq LIMIT p_limit + 1) s
     CROSS JOIN LATERAL notification_items(s) e WHERE e.seq > p_after)
  ) x ORDER BY x.seq LIMIT p_limit
$$;

-- One store's notifications after p_after, in seq order (live streams).
CREATE FUNCTION notifications_after(p_store text, p_after bigint, p_limit int)
  RETURNS TABLE (seq bigint, store_id text, id text, type text, customer_id text, data jsonb, created_at timestamptz)
  LANGUAGE sql STABLE
AS $$
  SELECT x.seq, x.store_id, x.id, x.type, x.customer_id, x.data, x.created_at FROM (
    (SELECT n.seq, n.store_id, n.id, n.type, n.customer_id, n.data, n.created_at FROM notifications n
     WHERE n.store_id = p_store AND n.seq > p_after ORDER BY n.seq LIMIT p_limit)
    UNION ALL
    (SELECT e.seq, e.store_id, e.id, e.type, e.customer_id, e.data, e.created_at
     FROM (SELECT * FROM notification_sets s WHERE s.store_id = p_store AND s.seq > p_after - 1024
           ORDER BY s.seq LIMIT p_limit + 1) s
     CROSS JOIN LATERAL notification_items(s) e WHERE e.seq > p_after)
  ) x ORDER BY x.seq LIMIT p_limit
$$;

-- One store's notifications before p_before (null: the newest), newest first, of the given types
-- (null: all), created after p_after (null: any): the events list.
CREATE FUNCTION notifications_before(p_store text, p_types text[], p_after timestamptz, p_before bigint, p_limit int)
  RETURNS TABLE (seq bigint, store_id text, id text, type text, customer_id text, data jsonb, created_at timestamptz)
  LANGUAGE sql STABLE
AS $$
  SELECT x.seq, x.store_id, x.id, x.type, x.customer_id, x.data, x.created_at FROM (
    (SELECT n.seq, n.store_id, n.id, n.type, n.customer_id, n.data, n.created_at FROM notifications n
     WHERE n.store_id = p_store AND (p_types IS NULL OR n.type = ANY(p_types))
     AND (p_after IS NULL OR n.created_at >= p_after) AND (p_before IS NULL OR n.seq < p_before)
     ORDER BY n.seq DESC LIMIT p_limit)
    UNION ALL
    (SELECT e.seq, e.store_id, e.id, e.type, e.customer_id, e.data, e.created_at
     FROM notification_sets s CROSS JOIN LATERAL notification_items(s) e
     WHERE s.store_id = p_store AND (p_after IS NULL OR s.created_at >= p_after)
     AND (p_before IS NULL OR s.seq < p_before) AND (p_before IS NULL OR e.seq < p_before)
     AND (p_types IS NULL OR e.type = ANY(p_types))
     ORDER BY s.seq DESC, e.k DESC LIMIT p_limit)
  ) x ORDER BY x.seq DESC LIMIT p_limit
$$;

-- Every notification written at these values of the sequence: a set's all, in seq order (the
-- readers' doubts, outbox.Doubts, are such values).
CREATE FUNCTION notifications_written_at(p_seqs bigint[])
  RETURNS TABLE (seq bigint, store_id text, id text, type text, customer_id text, data jsonb, created_at timestamptz)
  LANGUAGE sql STABLE
AS $$
  SELECT x.seq, x.store_id, x.id, x.type, x.customer_id, x.data, x.created_at FROM (
    SELECT n.seq, n.store_id, n.id, n.type, n.customer_id, n.data, n.created_at FROM notifications n
    WHERE n.seq = ANY(p_seqs)
    UNION ALL
    SELECT e.seq, e.store_id, e.id, e.type, e.customer_id, e.data, e.created_at
    FROM notification_sets s CROSS JOIN LATERAL notification_items(s) e WHERE s.seq = ANY(p_seqs)
  ) x ORDER BY x.seq
$$;

-- The notification at one seq (a webhook delivery's), or none.
CREATE FUNCTION notification_at(p_seq bigint)
  RETURNS TABLE (seq bigint, store_id text, id text, type text, customer_id text, data jsonb, created_at timestamptz)
  LANGUAGE sql STABLE
AS $$
  SELECT n.seq, n.store_id, n.id, n.type, n.customer_id, n.data, n.created_at FROM notifications n
  WHERE n.seq = p_seq
  UNION ALL
  SELECT e.seq, e.store_id, e.id, e.type, e.customer_id, e.data, e.created_at
  FROM notification_sets s CROSS JOIN LATERAL notification_items(s) e
  WHERE s.seq > p_seq - 1024 AND s.seq <= p_seq AND e.seq = p_seq
$$;

-- A store's notification by id, or none.
CREATE FUNCTION notification_by_id(p_store text, p_id text)
  RETURNS TABLE (seq bigint, store_id text, id text, type text, customer_id text, data jsonb, created_at timestamptz)
  LANGUAGE sql STABLE
AS $$
  SELECT n.seq, n.store_id, n.id, n.type, n.customer_id, n.data, n.created_at FROM notifications n
  WHERE n.store_id = p_store AND n.id = p_id
  UNION ALL
  SELECT e.seq, e.store_id, e.id, e.type, e.customer_id, e.data, e.created_at
  FROM notification_sets s CROSS JOIN LATERAL notification_items(s) e
  WHERE s.store_id = p_store AND s.ids @> ARRAY[p_id] AND e.id = p_id
$$;

-- Enter/leave notifications of the given segments in (p_after, p_upto], in seq order (automations).
CREATE FUNCTION segment_notifications_between(p_after bigint, p_upto bigint, p_segments text[], p_limit int)
  RETURNS TABLE (seq bigint, store_id text, id text, type text, customer_id text, data jsonb, created_at timestamptz)
  LANGUAGE sql STABLE
AS $$
  SELECT x.seq, x.store_id, x.id, x.type, x.customer_id, x.data, x.created_at FROM (
    (SELECT n.seq, n.store_id, n.id, n.type, n.customer_id, n.data, n.created_at FROM notifications n
     WHERE n.seq > p_after AND n.seq <= p_upto AND n.type IN ('customer.segment.entered', 'customer.segment.left')
     AND n.data->>'segment_id' = ANY(p_segments) ORDER BY n.seq LIMIT p_limit)
    UNION ALL
    (SELECT e.seq, e.store_id, e.id, e.type, e.customer_id, e.data, e.created_at
     FROM notification_sets s CROSS JOIN LATERAL notification_items(s) e
     WHERE s.seq > p_after - 1024 AND s.seq <= p_upto AND e.seq > p_after AND e.seq <= p_upto
     AND e.segment_id = ANY(p_segments) ORDER BY s.seq, e.k LIMIT p_limit)
  ) x ORDER BY x.seq LIMIT p_limit
$$;

-- The highest seq of a store's notifications (0: none).
CREATE FUNCTION notifications_last_seq(p_store text) RETURNS bigint
  LANGUAGE sql STABLE
AS $$
  SELECT greatest(
    (SELECT coalesce(max(n.seq), 0) FROM notifications n WHERE n.store_id = p_store),
    (SELECT coalesce(max(s.seq + cardinality(s.ids) - 1), 0) FROM
      (SELECT seq, ids FROM notification_sets WHERE store_id = p_store ORDER BY seq DESC LIMIT 1) s))
$$;

-- The values in (p_after, p_upto] the sequence may have handed out since V58 (1 mod 1,024) that
-- neither table has a visible row at: not committed yet, or never (outbox.Doubts).
CREATE FUNCTION notification_seqs_absent(p_after bigint, p_upto bigint) RETURNS SETOF bigint
  LANGUAGE sql STABLE
AS $$
  SELECT v FROM generate_series(p_after + 1 + ((-p_after) % 1024 + 1024) % 1024, p_upto, 1024) AS v
  WHERE NOT EXISTS (SELECT 1 FROM notifications n WHERE n.seq = v)
  AND NOT EXISTS (SELECT 1 FROM notification_sets s WHERE s.seq = v)
$$;
