-- Issue 18: validating a coupon in one round trip. The validation needs facts that other
-- capabilities own: a live segment of the coupon's that the customer is in and the assignments
-- that cover the cart's items (segment), the categories of the cart's products and the ancestors
-- of the categories it names (catalog). Each owner offers its answer as a function, as V26 does
-- for memberships, and the coupon capability asks them all in its one statement (CouponStore.facts)
-- instead of six queries one after another (the Java methods that asked them one by one are gone).
-- docs/architecture.md names these functions as the owners' interfaces.
-- LANGUAGE sql, STABLE, one SELECT each: PostgreSQL inlines them into the caller's plan.

-- segment: one live segment among p_segments (all of the customer's when NULL) that the customer
-- is in at p_at, or no row. "Live" is StorefrontFields.liveAt: status active and inside validity.
-- IN (SELECT unnest(..)) is a hashed semi-join; "= ANY(array)" would compare each membership row
-- with every id of a coupon's 1,000 segments.
CREATE FUNCTION customer_live_segment(p_store text, p_customer text, p_segments text[], p_at timestamptz)
  RETURNS TABLE (segment_id text)
  LANGUAGE sql STABLE
AS $$
  SELECT m.segment_id FROM segment_members m
  JOIN segments s ON s.store_id = m.store_id AND s.id = m.segment_id
  WHERE m.store_id = p_store AND m.customer_id = p_customer
    AND (p_segments IS NULL OR m.segment_id IN (SELECT unnest(p_segments)))
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
    AND EXISTS (SELECT 1 FROM segment_members m WHERE m.store_id = p_store
      AND m.segment_id = a.segment_id AND m.customer_id = p_customer OFFSET 0)
$$;

-- catalog: for each known product among p_products, the categories it is in and all their
-- ancestors (parent chains followed at most 32 deep, CatalogStore.MAX_DEPTH).
CREATE FUNCTION catalog_product_categories(p_store text, p_products text[])
  RETURNS TABLE (product_id text, category_id text)
  LANGUAGE sql STABLE
AS $$
  WITH RECURSIVE pc(product_id, category_id, depth) AS (
    SELECT p.id, unnest(p.category_ids), 0 FROM catalog_products p WHERE p.store_id = p_store AND p.id = ANY(p_products)
    UNION SELECT pc.product_id, c.parent_id, pc.depth + 1 FROM pc
      JOIN catalog_categories c ON c.store_id = p_store AND c.id = pc.category_id
      WHERE c.parent_id IS NOT NULL AND pc.depth < 32)
  SELECT DISTINCT pc.product_id, pc.category_id FROM pc
$$;

-- catalog: these categories and every ancestor of them the catalog knows, with their parents.
CREATE FUNCTION catalog_category_parents(p_store text, p_categories text[])
  RETURNS TABLE (id text, parent_id text)
  LANGUAGE sql STABLE
AS $$
  WITH RECURSIVE up(id, depth) AS (
    SELECT unnest(p_categories), 0
    UNION SELECT c.parent_id, up.depth + 1 FROM up
      JOIN catalog_categories c ON c.store_id = p_store AND c.id = up.id
      WHERE c.parent_id IS NOT NULL AND up.depth < 32)
  SELECT DISTINCT c.id, c.parent_id FROM up JOIN catalog_categories c ON c.store_id = p_store AND c.id = up.id
$$;
