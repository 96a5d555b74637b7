-- Tenants, their API keys, idempotent POST results, and customer profiles.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE stores (
  id          text PRIMARY KEY,
  name        text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT clock_timestamp()
);

-- Keys are stored as SHA-256 of the full key; only the prefix is ever shown again.
CREATE TABLE api_keys (
  id          text PRIMARY KEY,
  store_id    text NOT NULL REFERENCES stores(id) ON DELETE CASCADE,
  prefix      text NOT NULL,
  key_hash    bytea NOT NULL UNIQUE,
  mode        text NOT NULL,
  name        text,
  created_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
  revoked_at  timestamptz
);
CREATE INDEX api_keys_store ON api_keys (store_id, created_at, id);

-- One row per (caller, Idempotency-Key): the request's fingerprint and the first answer.
CREATE TABLE idempotency_keys (
  scope         text NOT NULL,
  key           text NOT NULL,
  request_hash  bytea NOT NULL,
  status        int,
  response      text,
  created_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (scope, key)
);
CREATE INDEX idempotency_keys_age ON idempotency_keys (created_at);

CREATE TABLE customers (
  store_id        text NOT NULL REFERENCES stores(id) ON DELETE CASCADE,
  id              text NOT NULL,
  email           text,
  first_name      text,
  last_name       text,
  phone           text,
  external_id     text,
  timezone        text,
  tags            text[] NOT NULL DEFAULT '{}',
  address         jsonb,
  metadata        jsonb NOT NULL DEFAULT '{}',
  email_consent   boolean NOT NULL DEFAULT false,
  sms_consent     boolean NOT NULL DEFAULT false,
  push_consent    boolean NOT NULL DEFAULT false,
  total_orders    integer NOT NULL DEFAULT 0,
  total_spent     numeric(14,2) NOT NULL DEFAULT 0,
  first_order_at  timestamptz,
  last_order_at   timestamptz,
  created_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
  updated_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
  -- What substring search looks in: names, email and phone, lower-cased.
  search_text     text GENERATED ALWAYS AS (lower(
                    coalesce(first_name, '') || ' ' || coalesce(last_name, '') || ' ' ||
                    coalesce(email, '') || ' ' || coalesce(phone, ''))) STORED,
  PRIMARY KEY (store_id, id)
);
CREATE UNIQUE INDEX customers_email ON customers (store_id, lower(email)) WHERE email IS NOT NULL;
CREATE UNIQUE INDEX customers_external_id ON customers (store_id, external_id) WHERE external_id IS NOT NULL;
-- Keyset pagination: one index per sort key, ties broken by id.
CREATE INDEX customers_by_created ON customers (store_id, created_at, id);
CREATE INDEX customers_by_last_order ON customers (store_id, (coalesce(last_order_at, '-infinity'::timestamptz)), id);
CREATE INDEX customers_by_spent ON customers (store_id, total_spent, id);
CREATE INDEX customers_by_orders ON customers (store_id, total_orders, id);
CREATE INDEX customers_search ON customers USING gin (search_text gin_trgm_ops);
CREATE INDEX customers_tags ON customers USING gin (tags);
CREATE INDEX customers_metadata ON customers USING gin (metadata jsonb_path_ops);

CREATE TABLE customer_notes (
  store_id     text NOT NULL,
  id           text NOT NULL,
  customer_id  text NOT NULL,
  body         text NOT NULL,
  author       text,
  created_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (store_id, id),
  FOREIGN KEY (store_id, customer_id) REFERENCES customers(store_id, id) ON DELETE CASCADE
);
CREATE INDEX customer_notes_by_customer ON customer_notes (store_id, customer_id, created_at, id);

-- The activity timeline: one row per thing that happened to or by a customer.
CREATE TABLE customer_activity (
  store_id     text NOT NULL,
  id           text NOT NULL,
  customer_id  text NOT NULL,
  type         text NOT NULL,
  title        text NOT NULL,
  data         jsonb NOT NULL DEFAULT '{}',
  occurred_at  timestamptz NOT NULL,
  PRIMARY KEY (store_id, id),
  FOREIGN KEY (store_id, customer_id) REFERENCES customers(store_id, id) ON DELETE CASCADE
);
CREATE INDEX customer_activity_by_customer ON customer_activity (store_id, customer_id, occurred_at, id);
