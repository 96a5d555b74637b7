-- Webhook delivery state per endpoint as a position in the notification log (issue 14). The
-- event's transaction no longer writes a webhook_deliveries row per (notification, endpoint):
-- at 1,000 segments and 10 endpoints that was ~90 rows an event, most of PostgreSQL's time. The
-- dispatcher reads the log after an endpoint's position, sends, and moves the position in one
-- statement per batch. webhook_deliveries keeps only the exceptions: a delivery waiting for a
-- retry and the later ones of its customer queued behind it, redeliveries, and what a failing
-- or disabled endpoint keeps.
CREATE TABLE webhook_cursors (
  endpoint_id     text PRIMARY KEY,
  store_id        text NOT NULL,
  -- every notification of the store up to here is resolved: delivered, or kept in webhook_deliveries
  position        bigint NOT NULL,
  -- while the endpoint is disabled: the store's last seq when it was; on enabling it again the
  -- range (skip_after, skip_upto] (what came while it was off) is not sent
  disabled_after  bigint,
  skip_after      bigint,
  skip_upto       bigint,
  -- the dispatcher that may move the position, until when (a node's lease on the endpoint)
  holder          text,
  held_until      timestamptz
);
INSERT INTO webhook_cursors (endpoint_id, store_id, position, disabled_after)
  SELECT e.id, e.store_id, notifications_last_seq(e.store_id),
         CASE WHEN e.enabled THEN NULL ELSE notifications_last_seq(e.store_id) END
  FROM webhook_endpoints e;

-- Deliveries that succeeded on their first attempt, appended in one statement per dispatch batch
-- (the endpoint's deliveries list reads them with webhook_deliveries). Only the primary key: it
-- serves the list (newest first per endpoint) and lookups of one notification per endpoint.
CREATE TABLE webhook_delivered (
  endpoint_id       text NOT NULL,
  notification_seq  bigint NOT NULL,
  store_id          text NOT NULL,
  status_code       integer NOT NULL,
  latency_ms        integer NOT NULL,
  delivered_at      timestamptz NOT NULL,
  PRIMARY KEY (endpoint_id, notification_seq)
);
