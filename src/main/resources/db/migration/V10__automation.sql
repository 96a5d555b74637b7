-- Automation rules, their runs (one per rule and trigger) and the steps of each run (one per
-- action, with the instant it is due). Pending steps are the durable delays: the scheduler keeps
-- only the next due slice of them in memory, so the table may hold millions.
CREATE TABLE automation_rules (
  store_id         text NOT NULL REFERENCES stores(id) ON DELETE CASCADE,
  id               text NOT NULL,
  name             text NOT NULL,
  trigger_event    text NOT NULL,
  -- customer.segment.entered / left: the segment; date_property: the date trigger's options
  segment_id       text,
  date_property    jsonb,
  conditions       jsonb NOT NULL DEFAULT '[]',
  actions          jsonb NOT NULL,
  re_entry         jsonb NOT NULL,
  frequency_caps   jsonb NOT NULL DEFAULT '[]',
  is_active        boolean NOT NULL DEFAULT true,
  times_triggered  bigint NOT NULL DEFAULT 0,
  created_at       timestamptz NOT NULL DEFAULT clock_timestamp(),
  updated_at       timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (store_id, id)
);
CREATE INDEX automation_rules_by_created ON automation_rules (store_id, created_at, id);

-- One run per rule and trigger: trigger_key is the trigger's natural key (the event id, the
-- notification id, or the date of a date trigger with the customer), so a trigger read twice
-- (a replay after a crash) starts one run.
CREATE TABLE automation_runs (
  store_id     text NOT NULL REFERENCES stores(id) ON DELETE CASCADE,
  id           text NOT NULL,
  rule_id      text NOT NULL,
  customer_id  text NOT NULL,
  trigger_key  text NOT NULL,
  -- the triggering event as conditions and templates see it: type, id, occurred_at, seq, data
  trigger      jsonb NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (store_id, id),
  UNIQUE (store_id, rule_id, trigger_key)
);
CREATE INDEX automation_runs_by_rule ON automation_runs (store_id, rule_id, created_at DESC, id DESC);
CREATE INDEX automation_runs_by_customer ON automation_runs (store_id, rule_id, customer_id, created_at);

-- Statuses: pending -> done | skipped (conditions no longer hold, waited-for event happened,
-- frequency cap, rule paused or deleted) | failed. outcome says which and why.
CREATE TABLE automation_steps (
  store_id      text NOT NULL,
  run_id        text NOT NULL,
  action_index  integer NOT NULL,
  rule_id       text NOT NULL,
  customer_id   text NOT NULL,
  -- the action as it was when the run started: editing a rule does not change runs under way
  action        jsonb NOT NULL,
  due_at        timestamptz NOT NULL,
  status        text NOT NULL DEFAULT 'pending',
  outcome       text,
  executed_at   timestamptz,
  PRIMARY KEY (store_id, run_id, action_index),
  FOREIGN KEY (store_id, run_id) REFERENCES automation_runs(store_id, id) ON DELETE CASCADE
);
CREATE INDEX automation_steps_due ON automation_steps (due_at) WHERE status = 'pending';

-- How far the trigger feeds have been read: 'events' (the event log's seq) and
-- 'notifications' (segment enter/leave, by notification seq).
CREATE TABLE automation_checkpoints (
  feed      text PRIMARY KEY,
  position  bigint NOT NULL
);
