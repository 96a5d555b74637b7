-- Per-store signing secrets of store platforms' webhooks (Shopify, WooCommerce). They must be
-- kept usable to verify HMACs, so they are stored as given; the API never shows them again.
CREATE TABLE webhook_secrets (
  store_id    text NOT NULL REFERENCES stores(id) ON DELETE CASCADE,
  platform    text NOT NULL,
  secret      text NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (store_id, platform)
);

-- Refund webhooks name only the order: find its customer through the order's event.
CREATE INDEX events_by_order ON events (store_id, (data->>'order_id')) WHERE type = 'order.completed';
