-- Storefront tracking (issue 22): publishable keys for browsers, anonymous visitors, and the
-- record of anonymous visitors merged into known customers.

-- A publishable key is meant to be seen (it sits in the store's pages), so the key itself is kept
-- and listed; what makes it safe is what it cannot do (send browser events only, from its origins).
CREATE TABLE publishable_keys (
  store_id                       text NOT NULL REFERENCES stores(id) ON DELETE CASCADE,
  id                             text NOT NULL,
  key                            text NOT NULL UNIQUE,
  name                           text,
  allowed_origins                text[] NOT NULL,
  rate_limit_per_second          integer NOT NULL,
  visitor_rate_limit_per_minute  integer NOT NULL,
  consent                        text NOT NULL CHECK (consent IN ('required', 'implied')),
  created_at                     timestamptz NOT NULL DEFAULT clock_timestamp(),
  revoked_at                     timestamptz,
  PRIMARY KEY (store_id, id)
);
CREATE INDEX publishable_keys_by_created ON publishable_keys (store_id, created_at, id);

-- An anonymous visitor is a customer without email or external id, found by the id its browser
-- keeps. Identified later, the row keeps the anonymous id (the same browser finds the person).
ALTER TABLE customers ADD COLUMN anonymous_id text;
CREATE UNIQUE INDEX customers_anonymous_id ON customers (store_id, anonymous_id) WHERE anonymous_id IS NOT NULL;

-- One row per anonymous profile merged into a known customer (its row is gone; its events,
-- timeline and notes moved). Also how a browser's anonymous id still finds the person.
-- Goes with the person: erasing the customer deletes these rows.
CREATE TABLE customer_merges (
  store_id          text NOT NULL,
  id                text NOT NULL,
  into_customer_id  text NOT NULL,
  from_customer_id  text NOT NULL,
  anonymous_id      text,
  reason            text NOT NULL,
  events_moved      integer NOT NULL,
  merged_at         timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (store_id, id),
  FOREIGN KEY (store_id, into_customer_id) REFERENCES customers(store_id, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX customer_merges_anonymous ON customer_merges (store_id, anonymous_id) WHERE anonymous_id IS NOT NULL;
CREATE INDEX customer_merges_into ON customer_merges (store_id, into_customer_id);
