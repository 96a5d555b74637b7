-- The list's tag and metadata filters in the list's own order (issue 17, eighth pass). A tag or
-- a metadata pair was found either by walking customers_by_created_search and reading each row's
-- tags or metadata from the table (one heap page a row: 2,000-6,000 pages for a filter in 1 of
-- 100 customers), or, when the walk gave up, through the GIN indexes, which find every match in
-- no order (1,500 heap pages and a sort for a tag on 0.15 % of a million customers; 830 for two
-- metadata pairs). One row per (customer, tag) and per (customer, top-level string metadata
-- value), keyed by the facet and then the list's default order (created_at, id): a filter's
-- first page is the first 26 entries of its facet, whatever its frequency.
--
-- A facet is 't' || tag, or 'm' || the jsonb text of {key: value} (canonical, so no separator can
-- be confused). metadata[key]=value filters on strings only, and {"k": "v"} is contained in a
-- customer's metadata exactly when its top-level k is the string v, so these rows answer it
-- exactly. Facets longer than 1,000 bytes are not kept (a B-tree entry has a size limit, and a
-- customer's write must not fail on it); CustomerListing reads facets only for filters far
-- below that length.
CREATE TABLE customer_facets (
  store_id    text NOT NULL,
  facet       text NOT NULL,
  created_at  timestamptz NOT NULL,
  customer_id text NOT NULL
);

CREATE FUNCTION customer_facets_of(p_tags text[], p_metadata jsonb) RETURNS SETOF text
  LANGUAGE sql IMMUTABLE
AS $$
  SELECT DISTINCT f FROM (
    SELECT 't' || t AS f FROM unnest(p_tags) t WHERE t IS NOT NULL
    UNION ALL
    SELECT 'm' || jsonb_build_object(e.key, e.value)::text FROM jsonb_each(
      CASE WHEN jsonb_typeof(p_metadata) = 'object' THEN p_metadata ELSE '{}'::jsonb END) e
    WHERE jsonb_typeof(e.value) = 'string'
  ) facets WHERE octet_length(f) <= 1000
$$;

-- The existing customers first, then the key built once (sorted, not entry by entry).
INSERT INTO customer_facets (store_id, facet, created_at, customer_id)
SELECT c.store_id, f, c.created_at, c.id FROM customers c, customer_facets_of(c.tags, c.metadata) f;
ALTER TABLE customer_facets ADD PRIMARY KEY (store_id, facet, created_at, customer_id);

CREATE FUNCTION customer_facets_of_added_customers() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO customer_facets (store_id, facet, created_at, customer_id)
  SELECT a.store_id, f, a.created_at, a.id FROM added a, customer_facets_of(a.tags, a.metadata) f;
  RETURN NULL;
END
$$;

CREATE FUNCTION customer_facets_of_deleted_customers() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM customer_facets c USING gone g, customer_facets_of(g.tags, g.metadata) f
  WHERE c.store_id = g.store_id AND c.facet = f AND c.created_at = g.created_at AND c.customer_id = g.id;
  RETURN NULL;
END
$$;

-- Row by row for updates: most updates of customers (orders, aggregates, evaluation) set neither
-- column and do not fire it; the WHEN skips writes that leave them as they were.
CREATE FUNCTION customer_facets_of_changed_customer() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM customer_facets c
  WHERE c.store_id = OLD.store_id AND c.facet IN (SELECT customer_facets_of(OLD.tags, OLD.metadata))
    AND c.created_at = OLD.created_at AND c.customer_id = OLD.id;
  INSERT INTO customer_facets (store_id, facet, created_at, customer_id)
  SELECT NEW.store_id, f, NEW.created_at, NEW.id FROM customer_facets_of(NEW.tags, NEW.metadata) f;
  RETURN NULL;
END
$$;

CREATE TRIGGER customer_facets_of_added_customers AFTER INSERT ON customers
  REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION customer_facets_of_added_customers();
CREATE TRIGGER customer_facets_of_deleted_customers AFTER DELETE ON customers
  REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION customer_facets_of_deleted_customers();
CREATE TRIGGER customer_facets_of_changed_customer AFTER UPDATE OF tags, metadata, created_at, store_id, id
  ON customers FOR EACH ROW
  WHEN (OLD.tags IS DISTINCT FROM NEW.tags OR OLD.metadata IS DISTINCT FROM NEW.metadata
        OR OLD.created_at IS DISTINCT FROM NEW.created_at OR OLD.store_id IS DISTINCT FROM NEW.store_id
        OR OLD.id IS DISTINCT FROM NEW.id)
  EXECUTE FUNCTION customer_facets_of_changed_customer();

