-- What the webhook dispatcher needs on top of V4: a rolled secret's grace period, when an
-- endpoint started failing, when a delivery's retry window started, and indexes for picking
-- work (due pending rows of one endpoint), for the per-(endpoint, customer) order, and for
-- finding an event's deliveries.
ALTER TABLE webhook_endpoints
  ADD COLUMN previous_secret             text,
  ADD COLUMN previous_secret_expires_at  timestamptz,
  ADD COLUMN failing_since               timestamptz;

-- Statuses: pending (waiting or scheduled for a retry), in_flight, succeeded, failed (gave up
-- after the retry horizon; kept for replay). retry_since is the first failure of this try.
ALTER TABLE webhook_deliveries
  ADD COLUMN retry_since  timestamptz;

DROP INDEX webhook_deliveries_pending;
CREATE INDEX webhook_deliveries_undelivered ON webhook_deliveries (endpoint_id, ordering_key, notification_seq)
  WHERE status IN ('pending', 'in_flight');
-- the claim: an endpoint's pending deliveries in seq order (stops after the few it needs) ...
CREATE INDEX webhook_deliveries_queue ON webhook_deliveries (endpoint_id, notification_seq)
  WHERE status = 'pending';
-- ... or, when most are waiting for a retry, the due ones only; and the next retry's time
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (endpoint_id, next_attempt_at)
  WHERE status = 'pending';
CREATE INDEX webhook_deliveries_by_notification ON webhook_deliveries (notification_seq);
CREATE INDEX notifications_by_store_time ON notifications (store_id, created_at);
