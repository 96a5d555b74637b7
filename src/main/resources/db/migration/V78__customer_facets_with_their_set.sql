-- Issue 17 (thirty-second pass): each facet entry carries the hashes of all its customer's facets.
--
-- A list by two facets (metadata source=import&referrer=campaign_3) read the rarer facet's entries
-- in the list's order and probed the other facet's key for each one: 285 probes of ~4 buffers for
-- the 26 customers of a page at 1,000,000 customers (1,181 buffers, ~0.8 ms), the most expensive
-- list of the benchmark (bench/README.md, thirtieth and thirty-first passes). With the set of the
-- customer's facet hashes in the index entry (INCLUDE: not part of the key, read by the index-only
-- scan), the entries whose customer lacks another facet are passed over where they are read; only
-- the others are probed, so a hash that two facets share (1 in 2^64) costs one probe, never a wrong
-- answer. hashtextextended(text, 0) is what hash partitioning relies on to stay the same across
-- PostgreSQL versions.
--
-- The table is rebuilt from its own rows (the set of a customer is its entries' facets), not from
-- customers, written in its key's order, then keyed as before. In key order, the entries a list
-- reads lie on few heap pages, so the index-only scan asks few visibility-map pages: in the order of
-- the window's sort (by customer) consecutive entries alternated between the heap's two
-- visibility-map pages, 131 buffers for 285 entries at 1,000,000 customers instead of 11.
CREATE FUNCTION customer_facet_rows(p_tags text[], p_metadata jsonb)
  RETURNS TABLE (facet text, facet_set int8[])
  LANGUAGE sql IMMUTABLE
AS $$
  SELECT f, s.hashes FROM (SELECT array_agg(f) AS facets, array_agg(hashtextextended(f, 0)) AS hashes
                           FROM customer_facets_of(p_tags, p_metadata) f) s, unnest(s.facets) f
$$;

SET LOCAL work_mem = '256MB';
ALTER TABLE customer_facets RENAME TO customer_facets_v46;
ALTER INDEX customer_facets_pkey RENAME TO customer_facets_v46_pkey;
CREATE TABLE customer_facets (
  store_id    text NOT NULL,
  facet       text NOT NULL,
  created_at  timestamptz NOT NULL,
  customer_id text NOT NULL,
  facet_set   int8[] NOT NULL
);
INSERT INTO customer_facets (store_id, facet, created_at, customer_id, facet_set)
SELECT store_id, facet, created_at, customer_id,
       array_agg(hashtextextended(facet, 0)) OVER (PARTITION BY store_id, customer_id)
FROM customer_facets_v46
ORDER BY store_id, facet, created_at, customer_id;
DROP TABLE customer_facets_v46;
ALTER TABLE customer_facets ADD PRIMARY KEY (store_id, facet, created_at, customer_id) INCLUDE (facet_set);

CREATE OR REPLACE FUNCTION customer_facets_of_added_customers() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO customer_facets (store_id, facet, created_at, customer_id, facet_set)
  SELECT a.store_id, f.facet, a.created_at, a.id, f.facet_set FROM added a, customer_facet_rows(a.tags, a.metadata) f;
  RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION customer_facets_of_changed_customer() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM customer_facets c
  WHERE c.store_id = OLD.store_id AND c.facet IN (SELECT customer_facets_of(OLD.tags, OLD.metadata))
    AND c.created_at = OLD.created_at AND c.customer_id = OLD.id;
  INSERT INTO customer_facets (store_id, facet, created_at, customer_id, facet_set)
  SELECT NEW.store_id, f.facet, NEW.created_at, NEW.id, f.facet_set FROM customer_facet_rows(NEW.tags, NEW.metadata) f;
  RETURN NULL;
END
$$;
