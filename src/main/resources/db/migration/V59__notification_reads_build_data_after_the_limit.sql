-- V58's reads by position (live streams, the Kafka relay) took up to p_limit + 1 sets, built the
-- data (jsonb) of every notification in them, ~20 a set, and only then kept the first p_limit:
-- 4,000 jsonb values built for a page of 200 (50 ms on a loaded machine). Now a set's
-- notifications are sorted and cut by their keys alone, and the data is built for the ones kept.

-- A set notification's data: the data the set's notifications share, with its own segment.
CREATE FUNCTION notification_set_data(p_shared jsonb, p_segment_id text, p_segment_name text, p_customer_id text)
  RETURNS jsonb
  LANGUAGE sql IMMUTABLE
AS $$
  SELECT p_shared || jsonb_build_object('segment_id', p_segment_id, 'segment_name', p_segment_name,
                                        'customer_id', p_customer_id)
$$;

CREATE OR REPLACE FUNCTION notification_items(s notification_sets)
  RETURNS TABLE (seq bigint, k bigint, store_id text, id text, type text, customer_id text, data jsonb,
                 created_at timestamptz, segment_id text)
  LANGUAGE sql IMMUTABLE
AS $$
  SELECT s.seq + u.k - 1, u.k, s.store_id, u.id,
         CASE WHEN u.entered THEN 'customer.segment.entered' ELSE 'customer.segment.left' END, s.customer_id,
         notification_set_data(s.shared, u.segment_id, u.name, s.customer_id), s.created_at, u.segment_id
  FROM unnest(s.ids, s.entered, s.segment_ids, s.segment_names) WITH ORDINALITY AS u(id, entered, segment_id, name, k)
$$;

-- A set's notifications without their data: seq, place, id, type, segment and its name.
CREATE FUNCTION notification_item_keys(s notification_sets)
  RETURNS TABLE (seq bigint, k bigint, id text, type text, segment_id text, segment_name text)
  LANGUAGE sql IMMUTABLE
AS $$
  SELECT s.seq + u.k - 1, u.k, u.id,
         CASE WHEN u.entered THEN 'customer.segment.entered' ELSE 'customer.segment.left' END, u.segment_id, u.name
  FROM unnest(s.ids, s.entered, s.segment_ids, s.segment_names) WITH ORDINALITY AS u(id, entered, segment_id, name, k)
$$;

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
  ) x ORDER BY x.seq LIMIT p_limit
$$;
