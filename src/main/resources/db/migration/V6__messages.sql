-- Messages to customers (email, SMS, push, direct mail), from campaigns and automations.
-- A row is written in the same transaction as the decision to send it, and the delivery
-- dispatcher owns it from then on. (store_id, dedupe_key) makes "sent at most once per
-- decision" a constraint rather than a hope: a campaign uses its id and the customer's, an
-- automation its run and action.
--
-- Statuses: queued -> sending -> sent -> delivered, or bounced / failed (with last_error), or
-- suppressed (no consent, unsubscribed, erased; never attempted).
CREATE TABLE messages (
  store_id             text NOT NULL REFERENCES stores(id) ON DELETE CASCADE,
  id                   text NOT NULL,
  customer_id          text NOT NULL,
  channel              text NOT NULL CHECK (channel IN ('email', 'sms', 'push', 'direct_mail')),
  source               text NOT NULL CHECK (source IN ('campaign', 'automation')),
  source_id            text NOT NULL,
  dedupe_key           text NOT NULL,
  template_id          text NOT NULL,
  -- extra template variables (a campaign's metadata, an automation's trigger event)
  variables            jsonb NOT NULL DEFAULT '{}',
  status               text NOT NULL DEFAULT 'queued',
  -- not sent before this instant (a schedule, a local send hour, quiet hours, a retry)
  not_before           timestamptz NOT NULL DEFAULT clock_timestamp(),
  attempts             integer NOT NULL DEFAULT 0,
  last_error           text,
  provider_message_id  text,
  created_at           timestamptz NOT NULL DEFAULT clock_timestamp(),
  updated_at           timestamptz NOT NULL DEFAULT clock_timestamp(),
  sent_at              timestamptz,
  PRIMARY KEY (store_id, id),
  UNIQUE (store_id, dedupe_key)
);
CREATE INDEX messages_due ON messages (not_before) WHERE status = 'queued';
CREATE INDEX messages_by_source ON messages (store_id, source_id);
CREATE INDEX messages_by_customer ON messages (store_id, customer_id);
