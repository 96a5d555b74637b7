#!/bin/bash
# check-migrated.sh: on new-data (V79 at 1M, after CLUSTER), entries whose facet_set differs from their customer's
# facets' hashes, and entries against the customers' own facets (both ways)
psql -h 127.0.0.1 -p 19672 -U postgres -At \
 -c "SELECT 'entries whose set differs', count(*) FROM customer_facets f JOIN customers c ON c.store_id = f.store_id AND c.id = f.customer_id WHERE ARRAY(SELECT unnest(f.facet_set) ORDER BY 1) <> ARRAY(SELECT hashtextextended(x, 0) FROM customer_facets_of(c.tags, c.metadata) x ORDER BY 1)" \
 -c "SELECT 'entries', count(*) FROM customer_facets" \
 -c "SELECT 'customers'' facets', count(*) FROM customers c, customer_facets_of(c.tags, c.metadata) f" \
 -c "SELECT 'entries without their customer', count(*) FROM customer_facets f WHERE NOT EXISTS (SELECT 1 FROM customers c WHERE c.store_id = f.store_id AND c.id = f.customer_id)"
