-- The embedded event log, the evaluator's per-customer state, segments and their memberships.

-- Append-only log of accepted events. seq is assigned by the single appender, so seq order is
-- commit order and a reader that has seen seq N has seen everything before it.
CREATE TABLE events (
  seq          bigserial PRIMARY KEY,
  store_id     text NOT NULL,
  id           text NOT NULL,
  dedupe_key   text,
  type         text NOT NULL,
  customer_id  text NOT NULL,
  occurred_at  timestamptz NOT NULL,
  received_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
  data         jsonb NOT NULL DEFAULT '{}',
  UNIQUE (store_id, id)
);
CREATE UNIQUE INDEX events_dedupe ON events (store_id, dedupe_key) WHERE dedupe_key IS NOT NULL;
CREATE INDEX events_by_customer ON events (store_id, customer_id, occurred_at);

-- What the evaluator knows of a customer beyond the profile: orders, purchases, cart, event
-- times, and when a time-relative rule may next flip. Written only by the evaluator, on every
-- event of the customer; kept apart from customers (whose many indexes would make each write
-- costly) so these updates stay small. customers itself is written only when an order changes
-- the aggregates it is sorted by.
CREATE TABLE customer_eval_state (
  store_id      text NOT NULL,
  customer_id   text NOT NULL,
  last_seen_at  timestamptz,
  state         jsonb NOT NULL,
  PRIMARY KEY (store_id, customer_id),
  FOREIGN KEY (store_id, customer_id) REFERENCES customers(store_id, id) ON DELETE CASCADE
);

CREATE TABLE segments (
  store_id      text NOT NULL REFERENCES stores(id) ON DELETE CASCADE,
  id            text NOT NULL,
  name          text NOT NULL,
  type          text NOT NULL CHECK (type IN ('dynamic', 'passive', 'static')),
  rules         jsonb NOT NULL DEFAULT '[]',
  metadata      jsonb NOT NULL DEFAULT '{}',
  member_count  bigint NOT NULL DEFAULT 0,
  sync_status   text NOT NULL DEFAULT 'done',
  version       integer NOT NULL DEFAULT 1,
  created_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
  updated_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (store_id, id)
);
CREATE INDEX segments_by_created ON segments (store_id, created_at, id);

CREATE TABLE segment_members (
  store_id     text NOT NULL,
  segment_id   text NOT NULL,
  customer_id  text NOT NULL,
  since        timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (store_id, segment_id, customer_id),
  FOREIGN KEY (store_id, segment_id) REFERENCES segments(store_id, id) ON DELETE CASCADE,
  FOREIGN KEY (store_id, customer_id) REFERENCES customers(store_id, id) ON DELETE CASCADE
);
CREATE INDEX segment_members_by_customer ON segment_members (store_id, customer_id);

-- Every enter and leave of a dynamic segment, with its cause: the event id, 'time', or
-- 'segment_updated'. Written in the same transaction as the membership change and the
-- evaluator checkpoint, so a replay after a crash never records one twice.
CREATE TABLE segment_transitions (
  seq           bigserial PRIMARY KEY,
  store_id      text NOT NULL,
  id            text NOT NULL,
  segment_id    text NOT NULL,
  customer_id   text NOT NULL,
  kind          text NOT NULL CHECK (kind IN ('entered', 'left')),
  cause         text NOT NULL,
  event_id      text,
  occurred_at   timestamptz NOT NULL,
  recorded_at   timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE UNIQUE INDEX segment_transitions_id ON segment_transitions (store_id, id);
CREATE INDEX segment_transitions_by_segment ON segment_transitions (store_id, segment_id, seq);
CREATE INDEX segment_transitions_by_customer ON segment_transitions (store_id, customer_id, seq);

-- How far each evaluator partition has applied the event log.
CREATE TABLE evaluator_checkpoints (
  partition  integer PRIMARY KEY,
  last_seq   bigint NOT NULL
);
