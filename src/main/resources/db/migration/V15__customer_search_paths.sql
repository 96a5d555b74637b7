-- Customer list and search at a million customers (issue 17). Search keeps its meaning (a
-- case-insensitive substring of names, email and phone: search_text), but is answered along
-- one of two bounded paths chosen per term (see CustomerListing):
--
-- 1. newest first: walk the list's own order and stop at a page of matches. Cheap for common
--    terms; index-only on the covering index below (it replaces customers_by_created: same key).
CREATE INDEX customers_by_created_search ON customers (store_id, created_at, id) INCLUDE (search_text);
DROP INDEX customers_by_created;

-- 2. by trigram: every match, then the page. The trigram index is built over search_text with
--    ASCII punctuation folded to 'x': pg_trgm splits words at punctuation, so 'joshua.c' used
--    to ask for every row with the word 'joshua' (thousands) and recheck each. Folding keeps
--    'joshuaxc' one word with rare trigrams. Folding is the same on both sides, so the index
--    still finds every true match (a superset, rechecked against search_text itself).
CREATE INDEX customers_search_folded ON customers USING gin (
  translate(search_text, '!"#$%&''()*+,-./:;<=>?@[\]^_`{|}~', 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx') gin_trgm_ops);
DROP INDEX customers_search;

