-- The types a store declares for its customers' custom attributes (metadata keys), so that
-- segment rules compare them as numbers or dates (age between 37 and 74, birthday within_last).
CREATE TABLE customer_attributes (
  store_id     text NOT NULL REFERENCES stores(id) ON DELETE CASCADE,
  key          text NOT NULL,
  type         text NOT NULL CHECK (type IN ('number', 'date', 'text')),
  description  text,
  created_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
  updated_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (store_id, key)
);
