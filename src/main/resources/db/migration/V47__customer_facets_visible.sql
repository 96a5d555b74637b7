-- The list reads customer_facets by index only (V46): without a visibility map every entry it
-- reads would also read the table's page. VACUUM runs outside a transaction (Flyway runs this
-- script so), as V45 does for customers.
VACUUM (ANALYZE) customer_facets;
