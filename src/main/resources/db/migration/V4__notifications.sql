-- Shoal's own outbound events (customer.segment.entered/left, customer.created/updated/deleted,
-- order.completed, ...), written in the same transaction as the change they announce, and one
-- delivery row per subscribed webhook endpoint, so nothing announced can be lost.
CREATE TABLE notifications (
  seq          bigserial PRIMARY KEY,
  store_id     text NOT NULL,
  id           text NOT NULL,
  type         text NOT NULL,
  customer_id  text,
  data         jsonb NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE UNIQUE INDEX notifications_id ON notifications (store_id, id);
CREATE INDEX notifications_by_store ON notifications (store_id, seq);

CREATE TABLE webhook_endpoints (
  store_id     text NOT NULL REFERENCES stores(id) ON DELETE CASCADE,
  id           text NOT NULL,
  url          text NOT NULL,
  events       text[] NOT NULL,
  description  text,
  enabled      boolean NOT NULL DEFAULT true,
  status       text NOT NULL DEFAULT 'active',
  secret       text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
  updated_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (store_id, id)
);

CREATE TABLE webhook_deliveries (
  store_id          text NOT NULL,
  endpoint_id       text NOT NULL,
  notification_seq  bigint NOT NULL REFERENCES notifications(seq) ON DELETE CASCADE,
  -- deliveries with the same key go out one at a time, in seq order
  ordering_key      text NOT NULL,
  status            text NOT NULL DEFAULT 'pending',
  attempts          integer NOT NULL DEFAULT 0,
  next_attempt_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
  last_status_code  integer,
  last_error        text,
  last_latency_ms   integer,
  created_at        timestamptz NOT NULL DEFAULT clock_timestamp(),
  delivered_at      timestamptz,
  PRIMARY KEY (store_id, endpoint_id, notification_seq),
  FOREIGN KEY (store_id, endpoint_id) REFERENCES webhook_endpoints(store_id, id) ON DELETE CASCADE
);
CREATE INDEX webhook_deliveries_pending ON webhook_deliveries (endpoint_id, ordering_key, notification_seq)
  WHERE status = 'pending';
