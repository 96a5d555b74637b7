-- Every search reads customer_search (V72) since issue 17's twenty-ninth pass: a search alone as
-- before, a search with other filters or another sort through customer_search's trigram index or
-- key, joined to customers by key (CustomerListing.searchIn, walk), and a search's count there too.
-- So customers' own search indexes serve no statement any more, while every create still wrote
-- both of them: a trigram GIN entry set (the largest single part of a create's INSERT, twenty-fifth
-- pass) and a B-tree entry carrying the search text. The created_at order stays, as the narrow key
-- of V1 (lists without a search, created_after, segment walks); the search_text and search_folded
-- columns stay (customer_search's triggers copy them; a search beside another sort rechecks them).
CREATE INDEX customers_by_created ON customers (store_id, created_at, id);
DROP INDEX customers_by_created_search;
DROP INDEX customers_search_folded_text;
