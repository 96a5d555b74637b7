-- The rebuilt customer_facets (V78) read by index only: without a visibility map every entry a list
-- reads would also read the table's page (as V47 for V46). VACUUM runs outside a transaction.
VACUUM (ANALYZE) customer_facets;
