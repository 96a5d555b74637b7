-- Issue 18: a coupon's segments as rows, so a validation probes them instead of decoding them.
-- V31's validation read the coupon's segment_ids array (1,000 ids: a 16 kB TOASTed value) on every
-- call, shipped it to Shoal (which decoded 1,000 strings), passed it back into the facts function
-- and hashed it twice there (membership, then covered items). Now the coupon capability keeps the
-- same ids in coupon_segments as well, and the validation asks "is this segment one of the
-- coupon's" as a probe of that table's key, a few times per call, whatever the coupon's size.
--
-- coupons.segment_ids stays what the API reads and writes (a coupon's wire form lists its
-- segments in their order); coupon_segments follows it, written by the trigger below in the
-- statement that writes the coupon, so no writer can forget it.
CREATE TABLE coupon_segments (
  store_id   text NOT NULL,
  coupon_id  text NOT NULL,
  segment_id text NOT NULL,
  PRIMARY KEY (store_id, coupon_id, segment_id),
  FOREIGN KEY (store_id, coupon_id) REFERENCES coupons(store_id, id) ON DELETE CASCADE
);

INSERT INTO coupon_segments (store_id, coupon_id, segment_id)
SELECT DISTINCT c.store_id, c.id, s.id FROM coupons c CROSS JOIN LATERAL unnest(c.segment_ids) s(id);

CREATE FUNCTION coupon_segments_follow() RETURNS trigger
  LANGUAGE plpgsql
AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    DELETE FROM coupon_segments cs WHERE cs.store_id = NEW.store_id AND cs.coupon_id = NEW.id
      AND cs.segment_id <> ALL (NEW.segment_ids);
  END IF;
  INSERT INTO coupon_segments (store_id, coupon_id, segment_id)
  SELECT DISTINCT NEW.store_id, NEW.id, s.id FROM unnest(NEW.segment_ids) s(id)
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END
$$;

CREATE TRIGGER coupon_segments_follow AFTER INSERT OR UPDATE OF segment_ids ON coupons
  FOR EACH ROW EXECUTE FUNCTION coupon_segments_follow();

-- segment: the live segments the customer is in at p_at ("live" is StorefrontFields.liveAt:
-- status active and inside validity). Inlined into the caller's plan; a caller that joins it to
-- a few segment ids gets a probe of the membership key and of the segment's key per id.
CREATE FUNCTION customer_live_segment_ids(p_store text, p_customer text, p_at timestamptz)
  RETURNS TABLE (segment_id text)
  LANGUAGE sql STABLE
AS $$
  SELECT m.segment_id FROM customer_segment_ids(p_store, p_customer) m
  JOIN segments s ON s.store_id = p_store AND s.id = m.segment_id
  WHERE s.status = 'active' AND (s.valid_from IS NULL OR s.valid_from <= p_at)
    AND (s.valid_to IS NULL OR s.valid_to > p_at)
$$;

-- segment: the assignments of these products and categories, to any segment of the store.
CREATE FUNCTION segment_items_of(p_store text, p_products text[], p_categories text[])
  RETURNS TABLE (segment_id text, item_type text, item_id text)
  LANGUAGE sql STABLE
AS $$
  SELECT si.segment_id, si.item_type, si.item_id FROM segment_items si
  WHERE si.store_id = p_store AND ((si.item_type = 'product' AND si.item_id = ANY(p_products))
    OR (si.item_type = 'category' AND si.item_id = ANY(p_categories)))
$$;

-- coupon: what a validation needs to know besides the coupon row, as V31's function answered it,
-- with the coupon's segments read from coupon_segments: whether the coupon is restricted to
-- segments; one live segment of the coupon's the customer is in (known customer, restricted
-- coupon); when item-restricted (and the customer is a member, where that is asked) the
-- categories with ancestors of the cart's products, the ancestors of the categories the cart
-- names, and the assignments covering any of them of the coupon's segments (all live segments
-- when it has none) the customer is live in; and how often the customer redeemed the coupon,
-- when it limits that.
-- The one live segment is looked for along the customer's memberships (in the order V31 took
-- them), each probed in coupon_segments: the customer's first qualifying membership ends it. Each
-- covered-item candidate (few: those assigned to the cart's items) is probed in coupon_segments
-- and in the customer's live memberships. Every "OFFSET 0" keeps a probe a probe of a key per row:
-- without them a plan made from the statistics (none yet for a new coupon's rows) may drive the
-- search from the coupon's 1,000 segments, or read and hash all of them per call.
-- The pairs and triples come back as parallel arrays (aggregated together, so in one order), not
-- as JSON documents: decoding those was a tenth of Shoal's CPU per validation (JFR, bench/storefront).
-- PL/pgSQL with a generic plan kept per connection, as V31 explains.
DROP FUNCTION coupon_validation_facts(text, text, text[], boolean, integer, text, text[], text[], timestamptz);

CREATE FUNCTION coupon_validation_facts(p_store text, p_coupon text, p_item_restricted boolean,
    p_per_customer integer, p_customer text, p_products text[], p_categories text[], p_at timestamptz)
  RETURNS TABLE (segment_restricted boolean, member_segment text, pc_products text[], pc_categories text[],
                 cp_ids text[], cp_parents text[], cov_segments text[], cov_types text[], cov_items text[],
                 customer_redemptions bigint)
  LANGUAGE plpgsql STABLE
  SET plan_cache_mode = force_generic_plan
AS $$
#variable_conflict use_column
BEGIN
  RETURN QUERY
  WITH rs AS MATERIALIZED (SELECT EXISTS (SELECT 1 FROM coupon_segments cs
        WHERE cs.store_id = p_store AND cs.coupon_id = p_coupon) AS restricted),
    m AS MATERIALIZED (SELECT rs.restricted, (SELECT l.segment_id FROM customer_live_segment_ids(p_store, p_customer, p_at) l
        WHERE rs.restricted AND p_customer IS NOT NULL AND EXISTS (SELECT 1 FROM coupon_segments cs
          WHERE cs.store_id = p_store AND cs.coupon_id = p_coupon AND cs.segment_id = l.segment_id OFFSET 0)
        LIMIT 1) AS seg FROM rs),
    a AS MATERIALIZED (SELECT m.restricted, m.seg, p_item_restricted AND p_customer IS NOT NULL
        AND (NOT m.restricted OR m.seg IS NOT NULL) AS asked FROM m),
    pc AS (SELECT p.product_id, p.category_id FROM a, catalog_product_categories(p_store, p_products) p WHERE a.asked),
    nc AS (SELECT n.id, n.parent_id FROM a, catalog_category_parents(p_store, p_categories) n WHERE a.asked),
    cats AS (SELECT array_agg(DISTINCT x.id) AS ids FROM (SELECT pc.category_id AS id FROM pc UNION ALL SELECT nc.id FROM nc
        UNION ALL SELECT nc.parent_id FROM nc WHERE nc.parent_id IS NOT NULL UNION ALL SELECT unnest(p_categories)) x),
    asked AS MATERIALIZED (SELECT i.segment_id, i.item_type, i.item_id FROM a, cats,
        segment_items_of(p_store, p_products, cats.ids) i WHERE a.asked),
    cov AS (SELECT k.segment_id, k.item_type, k.item_id FROM a, asked k
      WHERE (NOT a.restricted OR EXISTS (SELECT 1 FROM coupon_segments cs
          WHERE cs.store_id = p_store AND cs.coupon_id = p_coupon AND cs.segment_id = k.segment_id OFFSET 0))
        AND EXISTS (SELECT 1 FROM customer_live_segment_ids(p_store, p_customer, p_at) l
          WHERE l.segment_id = k.segment_id OFFSET 0))
  SELECT a.restricted, a.seg, p.products, p.categories, n.ids, n.parents, v.segments, v.types, v.items,
    CASE WHEN p_customer IS NOT NULL AND p_per_customer IS NOT NULL THEN
      (SELECT count(*) FROM coupon_redemptions r WHERE r.store_id = p_store AND r.coupon_id = p_coupon
       AND r.customer_id = p_customer AND r.status = 'redeemed') ELSE 0 END
  FROM a,
    LATERAL (SELECT array_agg(pc.product_id) AS products, array_agg(pc.category_id) AS categories FROM pc) p,
    LATERAL (SELECT array_agg(nc.id) AS ids, array_agg(nc.parent_id) AS parents FROM nc) n,
    LATERAL (SELECT array_agg(cov.segment_id) AS segments, array_agg(cov.item_type) AS types,
      array_agg(cov.item_id) AS items FROM cov) v;
END
$$;
