-- The evaluator's per-customer state in a compact binary form (issue 14): the JSON it replaces
-- was ~7.5 KB per customer, rewritten on every event of the customer and parsed for every
-- customer at start. The open cart, which the customer's profile shows, gets its own small
-- column. Rows written before stay readable (state) until their customer's next event.
ALTER TABLE customer_eval_state
  ADD COLUMN state_bin bytea,
  ADD COLUMN cart jsonb,
  ALTER COLUMN state DROP NOT NULL;

UPDATE customer_eval_state SET cart = state->'cart' WHERE state ? 'cart';
