-- Campaigns: a segment, a channel and a template, sent once to the segment's members as they
-- were when the campaign started. The scheduler's whole state is in these tables, so a restart
-- or a crash resumes where it stopped: due times (scheduled_at of 'scheduled' rows), the frozen
-- recipient list, and how far the messages for it have been queued (snapshot_cursor).
--
-- Statuses: draft -> scheduled -> active -> completed; draft, scheduled or active -> cancelled.
CREATE TABLE campaigns (
  store_id                 text NOT NULL REFERENCES stores(id) ON DELETE CASCADE,
  id                       text NOT NULL,
  name                     text NOT NULL,
  type                     text NOT NULL CHECK (type IN ('email', 'sms', 'push', 'direct_mail')),
  status                   text NOT NULL CHECK (status IN ('draft', 'scheduled', 'active', 'completed', 'cancelled')),
  segment_id               text NOT NULL,
  template_id              text NOT NULL,
  metadata                 jsonb NOT NULL DEFAULT '{}',
  -- throttle_per_minute, local_hour, quiet_hours {start, end}, default_timezone
  send_options             jsonb NOT NULL DEFAULT '{}',
  -- null: the server's default (SHOAL_ATTRIBUTION_WINDOW_DAYS)
  attribution_window_days  integer,
  scheduled_at             timestamptz,
  started_at               timestamptz,
  -- members frozen into campaign_recipients at start
  recipient_count          bigint,
  -- the last customer id (in id order) whose message is queued; null before the first page
  snapshot_cursor          text,
  queued_count             bigint NOT NULL DEFAULT 0,
  suppressed_count         bigint NOT NULL DEFAULT 0,
  snapshot_done_at         timestamptz,
  completed_at             timestamptz,
  cancelled_at             timestamptz,
  created_at               timestamptz NOT NULL DEFAULT clock_timestamp(),
  updated_at               timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (store_id, id)
);
CREATE INDEX campaigns_due ON campaigns (scheduled_at) WHERE status = 'scheduled';
CREATE INDEX campaigns_active ON campaigns (store_id, id) WHERE status = 'active';
CREATE INDEX campaigns_by_created ON campaigns (store_id, created_at, id);

-- The segment's members at the instant the campaign started, copied in one statement so the
-- snapshot is exact however long queueing their messages takes.
CREATE TABLE campaign_recipients (
  store_id     text NOT NULL,
  campaign_id  text NOT NULL,
  customer_id  text NOT NULL,
  PRIMARY KEY (store_id, campaign_id, customer_id),
  FOREIGN KEY (store_id, campaign_id) REFERENCES campaigns(store_id, id) ON DELETE CASCADE
);

-- An order attributed to the campaign whose message the customer last opened or clicked within
-- the window before ordering (last touch). One row per order: a replay never counts it twice.
CREATE TABLE campaign_conversions (
  store_id     text NOT NULL,
  order_id     text NOT NULL,
  campaign_id  text NOT NULL,
  customer_id  text NOT NULL,
  message_id   text NOT NULL,
  event_id     text NOT NULL,
  revenue      numeric(14,2) NOT NULL,
  ordered_at   timestamptz NOT NULL,
  touched_at   timestamptz NOT NULL,
  recorded_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (store_id, order_id)
);
CREATE INDEX campaign_conversions_by_campaign ON campaign_conversions (store_id, campaign_id);

-- How far attribution has read the event log's orders.
CREATE TABLE campaign_attribution_checkpoint (
  id        boolean PRIMARY KEY DEFAULT true CHECK (id),
  last_seq  bigint NOT NULL
);
INSERT INTO campaign_attribution_checkpoint (id, last_seq) VALUES (true, 0);

-- Live analytics and the completion check count a campaign's messages by status.
CREATE INDEX messages_by_source_status ON messages (store_id, source_id, status);
-- Attribution reads orders only, in log order.
CREATE INDEX events_orders_by_seq ON events (seq) WHERE type = 'order.completed';
