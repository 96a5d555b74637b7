CREATE SEQUENCE segment_flips_seq INCREMENT BY 1024;
CREATE TABLE segment_flips (
  seq          bigint PRIMARY KEY DEFAULT nextval('segment_flips_seq'),
  store_id     text NOT NULL,
  customer_id  text NOT NULL,
  cause        text NOT NULL,
  event_id     text,
  occurred_at  timestamptz NOT NULL,
  recorded_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
  ids          text[] NOT NULL,
  segment_ids  text[] NOT NULL,
  entered      boolean[] NOT NULL,
  CHECK (cardinality(ids) BETWEEN 1 AND 1024 AND cardinality(segment_ids) = cardinality(ids)
         AND cardinality(entered) = cardinality(ids))
);
CREATE INDEX segment_flips_by_segment ON segment_flips USING gin (segment_ids);
CREATE FUNCTION segment_flips_of(p_store text, p_segment text)
  RETURNS TABLE (seq bigint, row_seq bigint, k bigint, id text, segment_id text, customer_id text, kind text,
                 cause text, event_id text, occurred_at timestamptz, recorded_at timestamptz)
  LANGUAGE sql STABLE
AS $$
  SELECT f.seq + u.k - 1, f.seq, u.k, u.id, u.segment_id, f.customer_id,
         CASE WHEN u.entered THEN 'entered' ELSE 'left' END, f.cause, f.event_id, f.occurred_at, f.recorded_at
  FROM segment_flips f CROSS JOIN LATERAL unnest(f.ids, f.segment_ids, f.entered) WITH ORDINALITY AS u(id, segment_id, entered, k)
  WHERE f.store_id = p_store AND f.segment_ids @> ARRAY[p_segment] AND u.segment_id = p_segment
$$;
-- 100k rows, 20 flips each over segments seg_0..seg_999 with a skew; seg_common in 10%, seg_mid in 0.1%, seg_rare once
INSERT INTO segment_flips (store_id, customer_id, cause, event_id, occurred_at, ids, segment_ids, entered)
SELECT 'store_b', 'cust_' || (i % 30000), 'event', 'evt_' || i, now() - interval '1 day' + i * interval '1 ms',
       (SELECT array_agg('trn_' || md5(i::text || j::text)) FROM generate_series(1, 20) j),
       (SELECT array_agg(CASE WHEN j = 1 AND i % 10 = 0 THEN 'seg_common'
                               WHEN j = 2 AND i % 1000 = 7 THEN 'seg_mid'
                               WHEN j = 3 AND i = 500000 THEN 'seg_rare'
                               ELSE 'seg_' || lpad((floor(1000 * power(random(), 2)))::int::text, 24, 'x') END) FROM generate_series(1, 20) j),
       (SELECT array_agg(random() < 0.5) FROM generate_series(1, 20) j)
FROM generate_series(1, 1000000) i;
VACUUM ANALYZE segment_flips;
