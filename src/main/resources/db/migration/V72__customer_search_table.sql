-- A customer search alone, in the list's default order, read from a narrow table of its own (issue 17,
-- twenty-eighth pass). At 1,000,000 customers a surname search cost PostgreSQL two kinds of rows
-- (bench/README.md, twenty-seventh pass): the walk of customers_by_created_search read ~0.5 buffer
-- an entry, nearly all of them visibility-map pages (the 424 MB customers heap has two, and its rows
-- are not in created_at order, so consecutive entries switch between them; orders and aggregates
-- also keep clearing its pages' all-visible bits), and a rare surname's trigram path read one
-- customers heap page per match (880-2,100 of them) to recheck it and sort them all.
--
-- This table holds only what a search reads: ~190 MB at 1M, one visibility-map page, written in
-- created_at order (the backfill sorts; new customers arrive in that order), and changed only
-- when a customer's names, email or phone change, not by orders or evaluation. Its key is the
-- list's default order with the search text included, so a walk is index-only on it; its trigram
-- index is the same as customers_search_folded_text; and a BRIN of created_at lets the trigram
-- path read only the heap pages of a recent period (CustomerListing.byMatches): the matches of
-- both bitmaps, a few dozen pages instead of one per match. The text columns are customers' own
-- generated ones, copied as they are, so every answer is the same as from customers.
CREATE TABLE customer_search (
  store_id      text NOT NULL,
  created_at    timestamptz NOT NULL,
  id            text NOT NULL,
  search_text   text NOT NULL,
  search_folded text NOT NULL
);

-- The existing customers first, in the key's order, then the indexes built once.
INSERT INTO customer_search (store_id, created_at, id, search_text, search_folded)
SELECT store_id, created_at, id, search_text, search_folded FROM customers ORDER BY store_id, created_at, id;
ALTER TABLE customer_search ADD PRIMARY KEY (store_id, created_at, id) INCLUDE (search_text);
CREATE INDEX customer_search_folded ON customer_search USING gin (search_folded gin_trgm_ops);
-- 8 pages a range (~330 customers at 1M); autosummarize summarizes each range as it fills, and a
-- range not yet summarized is always read (the newest customers), so the answers never depend on it.
CREATE INDEX customer_search_created ON customer_search USING brin (created_at)
  WITH (pages_per_range = 8, autosummarize = on);
ANALYZE customer_search;

CREATE FUNCTION customer_search_of_added_customers() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO customer_search (store_id, created_at, id, search_text, search_folded)
  SELECT a.store_id, a.created_at, a.id, a.search_text, a.search_folded FROM added a;
  RETURN NULL;
END
$$;

CREATE FUNCTION customer_search_of_deleted_customers() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM customer_search s USING gone g
  WHERE s.store_id = g.store_id AND s.created_at = g.created_at AND s.id = g.id;
  RETURN NULL;
END
$$;

-- Row by row for updates: most updates of customers (orders, aggregates, evaluation) change none
-- of these columns and do not fire it; the WHEN skips writes that leave the search text as it was.
CREATE FUNCTION customer_search_of_changed_customer() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE customer_search SET store_id = NEW.store_id, created_at = NEW.created_at, id = NEW.id,
    search_text = NEW.search_text, search_folded = NEW.search_folded
  WHERE store_id = OLD.store_id AND created_at = OLD.created_at AND id = OLD.id;
  RETURN NULL;
END
$$;

CREATE TRIGGER customer_search_of_added_customers AFTER INSERT ON customers
  REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION customer_search_of_added_customers();
CREATE TRIGGER customer_search_of_deleted_customers AFTER DELETE ON customers
  REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION customer_search_of_deleted_customers();
CREATE TRIGGER customer_search_of_changed_customer
  AFTER UPDATE OF first_name, last_name, email, phone, created_at, store_id, id ON customers FOR EACH ROW
  WHEN (OLD.search_text IS DISTINCT FROM NEW.search_text OR OLD.search_folded IS DISTINCT FROM NEW.search_folded
        OR OLD.created_at IS DISTINCT FROM NEW.created_at OR OLD.store_id IS DISTINCT FROM NEW.store_id
        OR OLD.id IS DISTINCT FROM NEW.id)
  EXECUTE FUNCTION customer_search_of_changed_customer();
