-- Segments in the storefront (seed 004): segment validity, site and localized texts; products
-- and categories assigned to segments; per-membership attributes; the store's small catalog;
-- coupons and their redemptions. Owners: segments, segment_members, segment_items -> segment;
-- catalog_* -> catalog; coupons, coupon_redemptions, coupon_order_feed -> coupon.

-- Localized texts keep `name` as the text in the segment's default language (what seeds 000/001
-- read); the maps hold every language. Validity and status decide whether the segment is live.
ALTER TABLE segments
  ADD COLUMN localized_name        jsonb NOT NULL DEFAULT '{}',
  ADD COLUMN localized_description jsonb NOT NULL DEFAULT '{}',
  ADD COLUMN default_language      text,
  ADD COLUMN valid_from            timestamptz,
  ADD COLUMN valid_to              timestamptz,
  ADD COLUMN status                text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'inactive')),
  ADD COLUMN site_code             text;
CREATE INDEX segments_by_site ON segments (store_id, site_code, created_at, id);

-- A membership of a static segment may name a B2B legal entity and carry free attributes.
ALTER TABLE segment_members
  ADD COLUMN legal_entity_id text,
  ADD COLUMN attributes      jsonb;
-- A customer's segments in segment order: the storefront's item list walks them in this order.
CREATE INDEX segment_members_by_customer_segment ON segment_members (store_id, customer_id, segment_id);

CREATE TABLE segment_items (
  store_id    text NOT NULL,
  segment_id  text NOT NULL,
  item_type   text NOT NULL CHECK (item_type IN ('product', 'category')),
  item_id     text NOT NULL,
  attributes  jsonb NOT NULL DEFAULT '{}',
  created_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
  updated_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (store_id, segment_id, item_type, item_id),
  FOREIGN KEY (store_id, segment_id) REFERENCES segments(store_id, id) ON DELETE CASCADE
);
CREATE INDEX segment_items_by_item ON segment_items (store_id, item_type, item_id);

-- The catalog: the store's own product and category ids (those its orders carry).
CREATE TABLE catalog_categories (
  store_id        text NOT NULL REFERENCES stores(id) ON DELETE CASCADE,
  id              text NOT NULL,
  parent_id       text,
  name            text NOT NULL,
  localized_name  jsonb NOT NULL DEFAULT '{}',
  source          text NOT NULL DEFAULT 'api',
  metadata        jsonb NOT NULL DEFAULT '{}',
  created_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
  updated_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (store_id, id)
);
CREATE INDEX catalog_categories_by_parent ON catalog_categories (store_id, parent_id);

CREATE TABLE catalog_products (
  store_id        text NOT NULL REFERENCES stores(id) ON DELETE CASCADE,
  id              text NOT NULL,
  name            text NOT NULL,
  localized_name  jsonb NOT NULL DEFAULT '{}',
  category_ids    text[] NOT NULL DEFAULT '{}',
  price           numeric(14, 2),
  currency        text,
  source          text NOT NULL DEFAULT 'api',
  metadata        jsonb NOT NULL DEFAULT '{}',
  created_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
  updated_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (store_id, id)
);
CREATE INDEX catalog_products_by_category ON catalog_products USING gin (category_ids);

-- Coupons: codes are unique per store regardless of case (stored upper-case).
CREATE TABLE coupons (
  store_id                      text NOT NULL REFERENCES stores(id) ON DELETE CASCADE,
  id                            text NOT NULL,
  code                          text NOT NULL,
  name                          text,
  description                   text,
  discount_type                 text NOT NULL CHECK (discount_type IN ('absolute', 'percentage')),
  amount                        numeric(14, 2),
  percentage                    numeric(5, 2),
  currency                      text,
  min_order_value               numeric(14, 2),
  min_order_currency            text,
  valid_from                    timestamptz,
  valid_until                   timestamptz,
  max_redemptions               integer,
  max_redemptions_per_customer  integer,
  segment_ids                   text[] NOT NULL DEFAULT '{}',
  item_restricted               boolean NOT NULL DEFAULT false,
  allow_anonymous               boolean NOT NULL DEFAULT false,
  valid_for                     text[] NOT NULL DEFAULT '{}',
  issued_to                     text,
  redeemed_count                integer NOT NULL DEFAULT 0,
  metadata                      jsonb NOT NULL DEFAULT '{}',
  created_at                    timestamptz NOT NULL DEFAULT clock_timestamp(),
  updated_at                    timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (store_id, id),
  UNIQUE (store_id, code)
);
CREATE INDEX coupons_by_created ON coupons (store_id, created_at, id);

-- One row per (coupon, order): an order is redeemed at most once, however often it arrives.
-- Rejected attempts (the order used a code that no longer applied) are kept with their reason
-- and do not count.
CREATE TABLE coupon_redemptions (
  store_id     text NOT NULL,
  id           text NOT NULL,
  coupon_id    text NOT NULL,
  customer_id  text,
  order_id     text NOT NULL,
  event_id     text,
  status       text NOT NULL CHECK (status IN ('redeemed', 'rejected')),
  reason       text,
  order_total  numeric(14, 2),
  currency     text,
  discount     numeric(14, 2),
  created_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (store_id, id),
  UNIQUE (store_id, coupon_id, order_id),
  FOREIGN KEY (store_id, coupon_id) REFERENCES coupons(store_id, id) ON DELETE CASCADE
);
CREATE INDEX coupon_redemptions_by_customer ON coupon_redemptions (store_id, coupon_id, customer_id)
  WHERE status = 'redeemed';
CREATE INDEX coupon_redemptions_by_created ON coupon_redemptions (store_id, coupon_id, created_at, id);

-- How far the coupon capability has read the event log for orders carrying codes.
CREATE TABLE coupon_order_feed (
  id        integer PRIMARY KEY CHECK (id = 1),
  last_seq  bigint NOT NULL
);
INSERT INTO coupon_order_feed (id, last_seq) SELECT 1, coalesce(max(seq), 0) FROM events;
