-- webhook_delivered: one row per delivered request instead of one per notification and endpoint
-- (issue 14). An event causes ~45 notifications at 1,000 segments; with 10 endpoints that was
-- ~450 rows an event, the largest cost left of the dispatcher's resolves. A request carries up
-- to the endpoint's max_batch_size notifications (seqs, ascending) and has one status, latency
-- and time. A request's seqs lie within [first_seq, first_seq + the cursor's delivered_span]
-- (the widest request the endpoint recorded), so "which request of this endpoint carried seq s"
-- reads the primary key over that span only (DeliveryStore.deliveredHolds).
ALTER TABLE webhook_cursors ADD COLUMN delivered_span bigint NOT NULL DEFAULT 0;

ALTER TABLE webhook_delivered RENAME TO webhook_delivered_v64;
ALTER TABLE webhook_delivered_v64 RENAME CONSTRAINT webhook_delivered_pkey TO webhook_delivered_v64_pkey;

CREATE TABLE webhook_delivered (
  endpoint_id   text NOT NULL,
  -- the smallest of seqs (an erasure may take seqs out, never put any in: then a bound)
  first_seq     bigint NOT NULL,
  last_seq      bigint NOT NULL,
  store_id      text NOT NULL,
  seqs          bigint[] NOT NULL,
  status_code   integer NOT NULL,
  latency_ms    integer NOT NULL,
  delivered_at  timestamptz NOT NULL,
  PRIMARY KEY (endpoint_id, first_seq)
);

-- The rows of one request had the same endpoint, status, latency and time: one row each again.
INSERT INTO webhook_delivered (endpoint_id, first_seq, last_seq, store_id, seqs, status_code, latency_ms, delivered_at)
  SELECT endpoint_id, min(notification_seq), max(notification_seq), store_id,
         array_agg(notification_seq ORDER BY notification_seq), status_code, latency_ms, delivered_at
  FROM webhook_delivered_v64
  GROUP BY endpoint_id, store_id, status_code, latency_ms, delivered_at;

UPDATE webhook_cursors c SET delivered_span = s.span
  FROM (SELECT endpoint_id, max(last_seq - first_seq) AS span FROM webhook_delivered GROUP BY endpoint_id) s
  WHERE c.endpoint_id = s.endpoint_id;

DROP TABLE webhook_delivered_v64;
