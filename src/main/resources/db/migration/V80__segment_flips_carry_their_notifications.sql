-- Issue 14, thirty-fifth pass: a flip and its announcement are one row. Since V57/V58 the
-- evaluator's batch wrote each customer's event twice: a segment_flips row (the recorded flips:
-- ids, segments, directions) and a notification_sets row (the same flips as notifications: their
-- directions and segments again, the segment names and the data they share). From here on the
-- segment_flips row carries what the notification readers need (segment_names, shared) and takes
-- its seq from the notifications' sequence, so one row is both: its k-th flip and its k-th
-- notification have the same position, seq = row seq + k - 1, and ids made from it, 'trn_u' and
-- 'evt_u' and the seq in 19 digits (no ids stored). Rows with shared null are flips only (a static
-- segment's refresh, rows written before, erasure's anonymised rows); notification_sets keeps the
-- sets written before, still read, and a person's notifications moved there by an erasure
-- (NotificationLog.moveAnnouncedFlips) before their flips are anonymised.
--
-- Positions: readers follow one increasing seq across all notifications (notifications,
-- notification_sets, announced segment_flips rows), and the transitions API's cursor one
-- increasing seq across all flips. Both hold with one sequence set above everything either
-- handed out: new rows' seqs are above every old flip's and every old notification's. The values
-- between the notifications' last one and that start (1 mod 1,024) were never handed out:
-- notification_seqs_absent leaves them out, and every notification read of segment_flips starts
-- after them, so the flips' rows before this migration (no notifications) are never walked.

ALTER TABLE segment_flips ALTER COLUMN ids DROP NOT NULL;
ALTER TABLE segment_flips ADD COLUMN segment_names text[];
ALTER TABLE segment_flips ADD COLUMN shared jsonb;
ALTER TABLE segment_flips DROP CONSTRAINT segment_flips_check;
-- NOT VALID: every row written before satisfies it (V57's check with ids optional); new rows are checked
ALTER TABLE segment_flips ADD CONSTRAINT segment_flips_check
  CHECK (cardinality(entered) BETWEEN 1 AND 1024 AND cardinality(segment_ids) = cardinality(entered)
         AND (ids IS NULL OR cardinality(ids) = cardinality(entered))
         AND (shared IS NULL) = (segment_names IS NULL)
         AND (segment_names IS NULL OR cardinality(segment_names) = cardinality(entered))) NOT VALID;

DO $$
DECLARE
  -- the highest value the notifications' sequence handed out (is_called since V58)
  handed bigint := (SELECT last_value FROM notifications_seq_seq);
  -- every old flip's seq is at most its row's + 1,023
  flips bigint := (SELECT coalesce(max(seq), 0) + 1023 FROM segment_flips);
  start bigint := greatest(handed, flips / 1024 * 1024 + 1);
BEGIN
  PERFORM setval('notifications_seq_seq', start, true);
  -- The values in (handed, start] were never handed out; every announced segment_flips row is above start.
  EXECUTE format('CREATE FUNCTION notification_flips_after() RETURNS bigint LANGUAGE sql IMMUTABLE AS %L',
                 'SELECT ' || start || '::bigint');
  EXECUTE format('CREATE FUNCTION notification_seqs_never_from() RETURNS bigint LANGUAGE sql IMMUTABLE AS %L',
                 'SELECT ' || handed || '::bigint');
END $$;

ALTER TABLE segment_flips ALTER COLUMN seq SET DEFAULT nextval('notifications_seq_seq');
DROP SEQUENCE segment_flips_seq;

-- a store's notifications by position (streams, the events list, a store's last seq)
CREATE INDEX segment_flips_announced_by_store ON segment_flips (store_id, seq) WHERE shared IS NOT NULL;

-- The id of the flip at seq in a row that stores no ids.
CREATE FUNCTION segment_flip_id(p_seq bigint) RETURNS text
  LANGUAGE sql IMMUTABLE
AS $$
  SELECT 'trn_u' || lpad(p_seq::text, 19, '0')
$$;

CREATE OR REPLACE VIEW segment_transitions AS
  SELECT f.seq + u.k - 1 AS seq, f.store_id, coalesce(u.id, segment_flip_id(f.seq + u.k - 1)) AS id, u.segment_id,
         f.customer_id, CASE WHEN u.entered THEN 'entered' ELSE 'left' END AS kind, f.cause, f.event_id,
         f.occurred_at, f.recorded_at
  FROM segment_flips f CROSS JOIN LATERAL unnest(f.ids, f.segment_ids, f.entered) WITH ORDINALITY AS u(id, segment_id, entered, k);

CREATE OR REPLACE FUNCTION segment_flips_of(p_store text, p_segment text)
  RETURNS TABLE (seq bigint, row_seq bigint, k bigint, id text, segment_id text, customer_id text, kind text,
                 cause text, event_id text, occurred_at timestamptz, recorded_at timestamptz)
  LANGUAGE sql STABLE
AS $$
  SELECT f.seq + u.k - 1, f.seq, u.k, coalesce(u.id, segment_flip_id(f.seq + u.k - 1)), u.segment_id, f.customer_id,
         CASE WHEN u.entered THEN 'entered' ELSE 'left' END, f.cause, f.event_id, f.occurred_at, f.recorded_at
  FROM segment_flips f CROSS JOIN LATERAL unnest(f.ids, f.segment_ids, f.entered) WITH ORDINALITY AS u(id, segment_id, entered, k)
  WHERE f.store_id = p_store AND f.segment_ids @> ARRAY[p_segment] AND u.segment_id = p_segment
$$;

-- An announced flips row's notifications, one row each, as notification_items gives a set's (V61):
-- created_at is the flips' instant (what the evaluator gives its notifications), the id
-- notification_set_id(seq); and without their data, as notification_item_keys. Named apart from
-- those: the readers pass rows of subqueries (records), which an overload could not tell apart.
CREATE FUNCTION flip_notification_items(s segment_flips)
  RETURNS TABLE (seq bigint, k bigint, store_id text, id text, type text, customer_id text, data jsonb,
                 created_at timestamptz, segment_id text)
  LANGUAGE sql IMMUTABLE
AS $$
  SELECT s.seq + u.k - 1, u.k, s.store_id, notification_set_id(s.seq + u.k - 1),
         CASE WHEN u.entered THEN 'customer.segment.entered' ELSE 'customer.segment.left' END, s.customer_id,
         notification_set_data(s.shared, u.segment_id, u.name, s.customer_id), s.occurred_at, u.segment_id
  FROM unnest(s.entered, s.segment_ids, s.segment_names) WITH ORDINALITY AS u(entered, segment_id, name, k)
$$;

CREATE FUNCTION flip_notification_item_keys(s segment_flips)
  RETURNS TABLE (seq bigint, k bigint, id text, type text, segment_id text, segment_name text)
  LANGUAGE sql IMMUTABLE
AS $$
  SELECT s.seq + u.k - 1, u.k, notification_set_id(s.seq + u.k - 1),
         CASE WHEN u.entered THEN 'customer.segment.entered' ELSE 'customer.segment.left' END, u.segment_id, u.name
  FROM unnest(s.entered, s.segment_ids, s.segment_names) WITH ORDINALITY AS u(entered, segment_id, name, k)
$$;

CREATE OR REPLACE VIEW notification_log AS
  SELECT n.seq, n.seq AS row_seq, n.store_id, n.id, n.type, n.customer_id, n.data, n.created_at
  FROM notifications n
  UNION ALL
  SELECT e.seq, s.seq, e.store_id, e.id, e.type, e.customer_id, e.data, e.created_at
  FROM notification_sets s CROSS JOIN LATERAL notification_items(s) e
  UNION ALL
  SELECT e.seq, f.seq, e.store_id, e.id, e.type, e.customer_id, e.data, e.created_at
  FROM segment_flips f CROSS JOIN LATERAL flip_notification_items(f) e WHERE f.shared IS NOT NULL;

-- Each read below takes the announced segment_flips rows as it takes notification_sets (V58,
-- V59, V61), the flips' rows bounded below by notification_flips_after().

CREATE OR REPLACE FUNCTION notifications_after(p_after bigint, p_limit int)
  RETURNS TABLE (seq bigint, store_id text, id text, type text, customer_id text, data jsonb, created_at timestamptz)
  LANGUAGE sql STABLE
AS $$
  SELECT x.seq, x.store_id, x.id, x.type, x.customer_id, x.data, x.created_at FROM (
    (SELECT n.seq, n.store_id, n.id, n.type, n.customer_id, n.data, n.created_at FROM notifications n
     WHERE n.seq > p_after ORDER BY n.seq LIMIT p_limit)
    UNION ALL
    (SELECT i.seq, i.store_id, i.id, i.type, i.customer_id,
            notification_set_data(i.shared, i.segment_id, i.segment_name, i.customer_id), i.created_at
     FROM (SELECT e.seq, s.store_id, e.id, e.type, s.customer_id, s.shared, e.segment_id, e.segment_name, s.created_at
           FROM (SELECT * FROM notification_sets s WHERE s.seq > p_after - 1024 ORDER BY s.seq LIMIT p_limit + 1) s
           CROSS JOIN LATERAL notification_item_keys(s) e WHERE e.seq > p_after ORDER BY s.seq, e.k LIMIT p_limit) i)
    UNION ALL
    (SELECT i.seq, i.store_id, i.id, i.type, i.customer_id,
            notification_set_data(i.shared, i.segment_id, i.segment_name, i.customer_id), i.created_at
     FROM (SELECT e.seq, f.store_id, e.id, e.type, f.customer_id, f.shared, e.segment_id, e.segment_name, f.occurred_at AS created_at
           FROM (SELECT * FROM segment_flips f WHERE f.seq > greatest(p_after - 1024, notification_flips_after())
                 AND f.shared IS NOT NULL ORDER BY f.seq LIMIT p_limit + 1) f
           CROSS JOIN LATERAL flip_notification_item_keys(f) e WHERE e.seq > p_after ORDER BY f.seq, e.k LIMIT p_limit) i)
  ) x ORDER BY x.seq LIMIT p_limit
$$;

CREATE OR REPLACE FUNCTION notifications_after(p_store text, p_after bigint, p_limit int)
  RETURNS TABLE (seq bigint, store_id text, id text, type text, customer_id text, data jsonb, created_at timestamptz)
  LANGUAGE sql STABLE
AS $$
  SELECT x.seq, x.store_id, x.id, x.type, x.customer_id, x.data, x.created_at FROM (
    (SELECT n.seq, n.store_id, n.id, n.type, n.customer_id, n.data, n.created_at FROM notifications n
     WHERE n.store_id = p_store AND n.seq > p_after ORDER BY n.seq LIMIT p_limit)
    UNION ALL
    (SELECT i.seq, i.store_id, i.id, i.type, i.customer_id,
            notification_set_data(i.shared, i.segment_id, i.segment_name, i.customer_id), i.created_at
     FROM (SELECT e.seq, s.store_id, e.id, e.type, s.customer_id, s.shared, e.segment_id, e.segment_name, s.created_at
           FROM (SELECT * FROM notification_sets s WHERE s.store_id = p_store AND s.seq > p_after - 1024
                 ORDER BY s.seq LIMIT p_limit + 1) s
           CROSS JOIN LATERAL notification_item_keys(s) e WHERE e.seq > p_after ORDER BY s.seq, e.k LIMIT p_limit) i)
    UNION ALL
    (SELECT i.seq, i.store_id, i.id, i.type, i.customer_id,
            notification_set_data(i.shared, i.segment_id, i.segment_name, i.customer_id), i.created_at
     FROM (SELECT e.seq, f.store_id, e.id, e.type, f.customer_id, f.shared, e.segment_id, e.segment_name, f.occurred_at AS created_at
           FROM (SELECT * FROM segment_flips f WHERE f.store_id = p_store AND f.shared IS NOT NULL
                 AND f.seq > greatest(p_after - 1024, notification_flips_after()) ORDER BY f.seq LIMIT p_limit + 1) f
           CROSS JOIN LATERAL flip_notification_item_keys(f) e WHERE e.seq > p_after ORDER BY f.seq, e.k LIMIT p_limit) i)
  ) x ORDER BY x.seq LIMIT p_limit
$$;

CREATE OR REPLACE FUNCTION notifications_before(p_store text, p_types text[], p_after timestamptz, p_before bigint,
                                                p_limit int)
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
    UNION ALL
    (SELECT e.seq, e.store_id, e.id, e.type, e.customer_id, e.data, e.created_at
     FROM segment_flips f CROSS JOIN LATERAL flip_notification_items(f) e
     WHERE f.store_id = p_store AND f.shared IS NOT NULL AND (p_after IS NULL OR f.occurred_at >= p_after)
     AND (p_before IS NULL OR f.seq < p_before) AND (p_before IS NULL OR e.seq < p_before)
     AND (p_types IS NULL OR e.type = ANY(p_types))
     ORDER BY f.seq DESC, e.k DESC LIMIT p_limit)
  ) x ORDER BY x.seq DESC LIMIT p_limit
$$;

CREATE OR REPLACE FUNCTION notifications_written_at(p_seqs bigint[])
  RETURNS TABLE (seq bigint, store_id text, id text, type text, customer_id text, data jsonb, created_at timestamptz)
  LANGUAGE sql STABLE
AS $$
  SELECT x.seq, x.store_id, x.id, x.type, x.customer_id, x.data, x.created_at FROM (
    SELECT n.seq, n.store_id, n.id, n.type, n.customer_id, n.data, n.created_at FROM notifications n
    WHERE n.seq = ANY(p_seqs)
    UNION ALL
    SELECT e.seq, e.store_id, e.id, e.type, e.customer_id, e.data, e.created_at
    FROM notification_sets s CROSS JOIN LATERAL notification_items(s) e WHERE s.seq = ANY(p_seqs)
    UNION ALL
    SELECT e.seq, e.store_id, e.id, e.type, e.customer_id, e.data, e.created_at
    FROM segment_flips f CROSS JOIN LATERAL flip_notification_items(f) e WHERE f.seq = ANY(p_seqs) AND f.shared IS NOT NULL
  ) x ORDER BY x.seq
$$;

CREATE OR REPLACE FUNCTION notifications_written_at(p_seqs bigint[], p_store text, p_segments text[])
  RETURNS TABLE (row_seq bigint, seq bigint, store_id text, id text, type text, customer_id text, data jsonb,
                 created_at timestamptz)
  LANGUAGE sql STABLE
AS $$
  SELECT x.* FROM (
    SELECT v.seq AS row_seq, NULL::bigint AS seq, NULL::text AS store_id, NULL::text AS id, NULL::text AS type,
           NULL::text AS customer_id, NULL::jsonb AS data, NULL::timestamptz AS created_at
    FROM (SELECT n.seq FROM notifications n WHERE n.seq = ANY(p_seqs)
          UNION ALL SELECT s.seq FROM notification_sets s WHERE s.seq = ANY(p_seqs)
          UNION ALL SELECT f.seq FROM segment_flips f WHERE f.seq = ANY(p_seqs)) v
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
    UNION ALL
    SELECT f.seq, e.seq, f.store_id, e.id, e.type, f.customer_id,
           notification_set_data(f.shared, e.segment_id, e.segment_name, f.customer_id), f.occurred_at
    FROM segment_flips f CROSS JOIN LATERAL flip_notification_item_keys(f) e
    WHERE f.seq = ANY(p_seqs) AND f.shared IS NOT NULL AND (p_store IS NULL OR f.store_id = p_store)
    AND (p_segments IS NULL OR cardinality(p_segments) > 0)
    AND (p_segments IS NULL OR (f.segment_ids && p_segments AND e.segment_id = ANY(p_segments)))
  ) x ORDER BY x.row_seq, x.seq NULLS FIRST
$$;

CREATE OR REPLACE FUNCTION notification_at(p_seq bigint)
  RETURNS TABLE (seq bigint, store_id text, id text, type text, customer_id text, data jsonb, created_at timestamptz)
  LANGUAGE sql STABLE
AS $$
  SELECT n.seq, n.store_id, n.id, n.type, n.customer_id, n.data, n.created_at FROM notifications n
  WHERE n.seq = p_seq
  UNION ALL
  SELECT e.seq, e.store_id, e.id, e.type, e.customer_id, e.data, e.created_at
  FROM notification_sets s CROSS JOIN LATERAL notification_items(s) e
  WHERE s.seq > p_seq - 1024 AND s.seq <= p_seq AND e.seq = p_seq
  UNION ALL
  SELECT e.seq, e.store_id, e.id, e.type, e.customer_id, e.data, e.created_at
  FROM segment_flips f CROSS JOIN LATERAL flip_notification_items(f) e
  WHERE f.seq > greatest(p_seq - 1024, notification_flips_after()) AND f.seq <= p_seq AND f.shared IS NOT NULL
  AND e.seq = p_seq
$$;

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
  UNION ALL
  SELECT e.seq, e.store_id, e.id, e.type, e.customer_id, e.data, e.created_at
  FROM (SELECT notification_set_seq(p_id) AS v) q
  CROSS JOIN LATERAL (SELECT * FROM segment_flips f WHERE f.seq > greatest(q.v - 1024, notification_flips_after())
                      AND f.seq <= q.v AND f.store_id = p_store AND f.shared IS NOT NULL) f
  CROSS JOIN LATERAL flip_notification_items(f) e WHERE e.seq = q.v
$$;

CREATE OR REPLACE FUNCTION segment_notifications_between(p_after bigint, p_upto bigint, p_segments text[], p_limit int)
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
    UNION ALL
    (SELECT e.seq, e.store_id, e.id, e.type, e.customer_id, e.data, e.created_at
     FROM segment_flips f CROSS JOIN LATERAL flip_notification_items(f) e
     WHERE f.seq > greatest(p_after - 1024, notification_flips_after()) AND f.seq <= p_upto AND f.shared IS NOT NULL
     AND e.seq > p_after AND e.seq <= p_upto AND e.segment_id = ANY(p_segments) ORDER BY f.seq, e.k LIMIT p_limit)
  ) x ORDER BY x.seq LIMIT p_limit
$$;

CREATE OR REPLACE FUNCTION notifications_last_seq(p_store text) RETURNS bigint
  LANGUAGE sql STABLE
AS $$
  SELECT greatest(
    (SELECT coalesce(max(n.seq), 0) FROM notifications n WHERE n.store_id = p_store),
    (SELECT coalesce(max(s.seq + cardinality(s.entered) - 1), 0) FROM
      (SELECT seq, entered FROM notification_sets WHERE store_id = p_store ORDER BY seq DESC LIMIT 1) s),
    (SELECT coalesce(max(f.seq + cardinality(f.entered) - 1), 0) FROM
      (SELECT seq, entered FROM segment_flips WHERE store_id = p_store AND shared IS NOT NULL ORDER BY seq DESC LIMIT 1) f))
$$;

-- Every segment_flips row takes a value of the sequence, announced or not (a static segment's
-- refresh records flips only): a value is absent while no table has a row at it. The values
-- this migration skipped were never handed out.
CREATE OR REPLACE FUNCTION notification_seqs_absent(p_after bigint, p_upto bigint) RETURNS SETOF bigint
  LANGUAGE sql STABLE
AS $$
  SELECT v FROM generate_series(p_after + 1 + ((-p_after) % 1024 + 1024) % 1024, p_upto, 1024) AS v
  WHERE NOT (v > notification_seqs_never_from() AND v <= notification_flips_after())
  AND NOT EXISTS (SELECT 1 FROM notifications n WHERE n.seq = v)
  AND NOT EXISTS (SELECT 1 FROM notification_sets s WHERE s.seq = v)
  AND NOT EXISTS (SELECT 1 FROM segment_flips f WHERE f.seq = v)
$$;
