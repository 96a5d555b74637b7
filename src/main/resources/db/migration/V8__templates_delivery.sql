-- Message templates, and what the delivery dispatcher and tracking record about messages.

-- A template's content per channel (see TemplateContent); version goes up on every change, so
-- a compiled copy cached by (id, version) is never stale.
CREATE TABLE templates (
  store_id    text NOT NULL REFERENCES stores(id) ON DELETE CASCADE,
  id          text NOT NULL,
  name        text NOT NULL,
  channel     text NOT NULL CHECK (channel IN ('email', 'sms', 'push', 'direct_mail')),
  subject     text,
  html        text,
  text        text,
  title       text,
  version     integer NOT NULL DEFAULT 1,
  created_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
  updated_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (store_id, id)
);
CREATE INDEX templates_by_created ON templates (store_id, created_at, id);

-- First time each thing happened to a message; campaign analytics count these columns.
-- claimed_at: when the dispatcher last moved it to 'sending' (a row still 'sending' after a
-- restart was claimed by a process that died; see DeliveryDispatcherVerticle).
ALTER TABLE messages
  ADD COLUMN claimed_at       timestamptz,
  ADD COLUMN delivered_at     timestamptz,
  ADD COLUMN opened_at        timestamptz,
  ADD COLUMN clicked_at       timestamptz,
  ADD COLUMN bounced_at       timestamptz,
  ADD COLUMN unsubscribed_at  timestamptz;
-- The dispatcher claims due messages channel by channel (each channel has its own rate limit).
CREATE INDEX messages_due_by_channel ON messages (channel, not_before) WHERE status = 'queued';
CREATE INDEX messages_sending ON messages (claimed_at) WHERE status = 'sending';
-- Provider callbacks (Twilio status, bounce webhooks) name the provider's id.
CREATE INDEX messages_by_provider_id ON messages (provider_message_id) WHERE provider_message_id IS NOT NULL;

-- Every tracking and provider event of a message (every click, not only the first).
CREATE TABLE message_events (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  store_id     text NOT NULL,
  message_id   text NOT NULL,
  type         text NOT NULL CHECK (type IN ('delivered', 'opened', 'clicked', 'bounced', 'complained',
                                             'unsubscribed', 'failed')),
  url          text,
  detail       text,
  occurred_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
  FOREIGN KEY (store_id, message_id) REFERENCES messages (store_id, id) ON DELETE CASCADE
);
CREATE INDEX message_events_by_message ON message_events (store_id, message_id, id);

-- A customer who unsubscribed from a channel (by link, one-click POST, or provider report).
-- Unsubscribing also turns the channel's consent off on the customer; this row says it was
-- the customer's own choice, and is what campaigns and the dispatcher check for direct mail,
-- which has no consent flag.
CREATE TABLE channel_unsubscribes (
  store_id         text NOT NULL REFERENCES stores(id) ON DELETE CASCADE,
  customer_id      text NOT NULL,
  channel          text NOT NULL CHECK (channel IN ('email', 'sms', 'push', 'direct_mail')),
  message_id       text,
  unsubscribed_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (store_id, customer_id, channel)
);
