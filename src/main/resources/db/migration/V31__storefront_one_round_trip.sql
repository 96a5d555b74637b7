-- Issue 18: validating a coupon in one round trip. The validation needs facts that other
-- capabilities own: a live segment of the coupon's that the customer is in and the assignments
-- that cover the cart's items (segment), the categories of the cart's products and the ancestors
-- of the categories it names (catalog). Each owner offers its answer as a function, as V26 does
-- for memberships, and the coupon capability asks them all in its one statement (CouponStore.facts)
-- instead of six queries one after another (the Java methods that asked them one by one are gone).
-- docs/architecture.md names these functions as the owners' interfaces.
-- LANGUAGE sql, STABLE, one SELECT each: PostgreSQL inlines them into the caller's plan. The
-- segment functions read memberships through V26's customer_segment_ids, so a change of how
-- memberships are stored is made there once.

-- segment: one live segment among p_segments (all of the customer's when NULL) that the customer
-- is in at p_at, or no row. "Live" is StorefrontFields.liveAt: status active and inside validity.
-- IN (SELECT unnest(..)) is a hashed semi-join; "= ANY(array)" would compare each membership row
-- with every id of a coupon's 1,000 segments.
CREATE FUNCTION customer_live_segment(p_store text, p_customer text, p_segments text[], p_at timestamptz)
  RETURNS TABLE (segment_id text)
  LANGUAGE sql STABLE
AS $$
  SELECT m.segment_id FROM customer_segment_ids(p_store, p_customer) m
  JOIN segments s ON s.store_id = p_store AND s.id = m.segment_id
  WHERE (p_segments IS NULL OR m.segment_id IN (SELECT unnest(p_segments)))
    AND s.status = 'active' AND (s.valid_from IS NULL OR s.valid_from <= p_at)
    AND (s.valid_to IS NULL OR s.valid_to > p_at)
  LIMIT 1
$$;

-- segment: the assignments among these products and categories of the live segments the customer
-- is in at p_at, restricted to p_segments unless NULL. Driven by the items asked about (few rows
-- through segment_items_by_item, materialized so the plan cannot start from a customer's 1,000
-- memberships instead), each then checked for a live segment the customer is in; OFFSET 0 keeps
-- the membership check a probe of its key per asked row.
CREATE FUNCTION customer_covered_items(p_store text, p_customer text, p_segments text[], p_products text[],
                                       p_categories text[], p_at timestamptz)
  RETURNS TABLE (segment_id text, item_type text, item_id text)
  LANGUAGE sql STABLE
AS $$
  WITH asked AS MATERIALIZED (
    SELECT si.segment_id, si.item_type, si.item_id FROM segment_items si
    WHERE si.store_id = p_store AND ((si.item_type = 'product' AND si.item_id = ANY(p_products))
      OR (si.item_type = 'category' AND si.item_id = ANY(p_categories))))
  SELECT a.segment_id, a.item_type, a.item_id FROM asked a
  JOIN segments s ON s.store_id = p_store AND s.id = a.segment_id
  WHERE (p_segments IS NULL OR a.segment_id IN (SELECT unnest(p_segments)))
    AND s.status = 'active' AND (s.valid_from IS NULL OR s.valid_from <= p_at)
    AND (s.valid_to IS NULL OR s.valid_to > p_at)
    AND EXISTS (SELECT 1 FROM customer_segment_ids(p_store, p_customer) m
      WHERE m.segment_id = a.segment_id OFFSET 0)
$$;

-- catalog: for each known product among p_products, the categories it is in and all their
-- ancestors (parent chains followed at most 32 deep, CatalogStore.MAX_DEPTH). Each step is a
-- lookup of one category by its key (the LATERAL ... OFFSET 0 keeps it one: a plan made without
-- knowing the arrays' sizes would otherwise hash the store's whole catalog at every step).
CREATE FUNCTION catalog_product_categories(p_store text, p_products text[])
  RETURNS TABLE (product_id text, category_id text)
  LANGUAGE sql STABLE
AS $$
  WITH RECURSIVE pc(product_id, category_id, depth) AS (
    SELECT p.id, unnest(p.category_ids), 0 FROM catalog_products p WHERE p.store_id = p_store AND p.id = ANY(p_products)
    UNION SELECT pc.product_id, up.parent_id, pc.depth + 1 FROM pc,
      LATERAL (SELECT c.parent_id FROM catalog_categories c
        WHERE c.store_id = p_store AND c.id = pc.category_id AND c.parent_id IS NOT NULL OFFSET 0) up
      WHERE pc.depth < 32)
  SELECT DISTINCT pc.product_id, pc.category_id FROM pc
$$;

-- catalog: these categories and every ancestor of them the catalog knows, with their parents;
-- looked up by key, step by step, as above.
CREATE FUNCTION catalog_category_parents(p_store text, p_categories text[])
  RETURNS TABLE (id text, parent_id text)
  LANGUAGE sql STABLE
AS $$
  WITH RECURSIVE up(id, parent_id, depth) AS (
    SELECT c.id, c.parent_id, 0 FROM unnest(p_categories) n(id),
      LATERAL (SELECT c.id, c.parent_id FROM catalog_categories c WHERE c.store_id = p_store AND c.id = n.id OFFSET 0) c
    UNION SELECT c.id, c.parent_id, up.depth + 1 FROM up,
      LATERAL (SELECT c.id, c.parent_id FROM catalog_categories c
        WHERE c.store_id = p_store AND c.id = up.parent_id OFFSET 0) c
      WHERE up.parent_id IS NOT NULL AND up.depth < 32)
  SELECT DISTINCT up.id, up.parent_id FROM up
$$;

-- coupon: what a validation needs to know besides the coupon row, asked of the functions above in
-- one query: one live segment of the coupon's the customer is in (for a known customer of a
-- segment-restricted coupon); when item-restricted (and the customer is a member, where that is
-- asked) the categories with ancestors of the cart's products, the ancestors of the categories the
-- cart names and the assignments covering any of them; and how often the customer redeemed the
-- coupon, when it limits that. CouponStore.LOAD joins it to the coupon row.
-- PL/pgSQL with plan_cache_mode = force_generic_plan: its query is planned once per connection
-- and the plan kept. As a plain prepared statement PostgreSQL kept planning it anew on every call
-- (custom plans looked cheaper to it), and planning cost more than running it: on the bench data
-- 8.4-9.1 ms against 3.7-4.3 ms per validation at load 8 (pgbench, one client, side by side).
CREATE FUNCTION coupon_validation_facts(p_store text, p_coupon text, p_segments text[], p_item_restricted boolean,
    p_per_customer integer, p_customer text, p_products text[], p_categories text[], p_at timestamptz)
  RETURNS TABLE (member_segment text, product_categories json, category_parents json, covered_items json,
                 customer_redemptions bigint)
  LANGUAGE plpgsql STABLE
  SET plan_cache_mode = force_generic_plan
AS $$
#variable_conflict use_column
BEGIN
  RETURN QUERY
  WITH m AS MATERIALIZED (SELECT (SELECT l.segment_id FROM customer_live_segment(p_store, p_customer, p_segments, p_at) l
        WHERE p_customer IS NOT NULL AND cardinality(p_segments) > 0) AS seg),
    a AS MATERIALIZED (SELECT m.seg, p_item_restricted AND p_customer IS NOT NULL
        AND (cardinality(p_segments) = 0 OR m.seg IS NOT NULL) AS asked FROM m),
    pc AS (SELECT p.product_id, p.category_id FROM a, catalog_product_categories(p_store, p_products) p WHERE a.asked),
    nc AS (SELECT n.id, n.parent_id FROM a, catalog_category_parents(p_store, p_categories) n WHERE a.asked),
    cats AS (SELECT array_agg(DISTINCT x.id) AS ids FROM (SELECT pc.category_id AS id FROM pc UNION ALL SELECT nc.id FROM nc
        UNION ALL SELECT nc.parent_id FROM nc WHERE nc.parent_id IS NOT NULL UNION ALL SELECT unnest(p_categories)) x),
    cov AS (SELECT v.segment_id, v.item_type, v.item_id FROM a, cats, customer_covered_items(p_store, p_customer,
        CASE WHEN cardinality(p_segments) > 0 THEN p_segments END, p_products, cats.ids, p_at) v WHERE a.asked)
  SELECT a.seg,
    (SELECT json_agg(json_build_array(pc.product_id, pc.category_id)) FROM pc),
    (SELECT json_agg(json_build_array(nc.id, nc.parent_id)) FROM nc),
    (SELECT json_agg(json_build_array(cov.segment_id, cov.item_type, cov.item_id)) FROM cov),
    CASE WHEN p_customer IS NOT NULL AND p_per_customer IS NOT NULL THEN
      (SELECT count(*) FROM coupon_redemptions r WHERE r.store_id = p_store AND r.coupon_id = p_coupon
       AND r.customer_id = p_customer AND r.status = 'redeemed') ELSE 0 END
  FROM a;
END
$$;
