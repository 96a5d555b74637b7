#!/bin/bash
# explain.sh PGPORT SIDE: the two-facet (source=import&referrer=campaign_3), one-facet (source=web) and two-tag
# (vip,newsletter) first pages as CustomerListing writes them (base: main's statement; new: with the facet hashes),
# prepared, generic plan forced (as the server runs them after 5 calls), EXPLAIN (ANALYZE, BUFFERS) of the 7th call.
PORT=$1 SIDE=$2; S=store_qpbv6phet2meg3g0j1tt
if [ $SIDE = new ]; then HS=", d.facet_set AS hs"; HT2=" AND e.hs @> (SELECT ARRAY[hashtextextended((SELECT 'm' || jsonb_build_object(\$4::text, \$5::text)::text), 0)])"; HT3=" AND e.hs @> (SELECT ARRAY[hashtextextended((SELECT 't' || \$3::text), 0)])"; fi
two="SELECT h.hid AS id, (h.hk)::text AS sort_key FROM (SELECT hid, hk FROM (SELECT d.customer_id AS hid, d.created_at AS hk$HS FROM customer_facets d WHERE d.store_id = (SELECT \$1::text) AND d.facet = (SELECT 'm' || jsonb_build_object(\$2::text, \$3::text)::text) ORDER BY d.created_at DESC, d.customer_id DESC LIMIT 2000) e WHERE true$HT2 AND EXISTS (SELECT 1 FROM customer_facets g WHERE g.store_id = (SELECT \$1::text) AND g.facet = (SELECT 'm' || jsonb_build_object(\$4::text, \$5::text)::text) AND g.created_at = e.hk AND g.customer_id = e.hid OFFSET 0) ORDER BY hk DESC, hid DESC LIMIT 26) h ORDER BY h.hk DESC, h.hid DESC"
tags="SELECT h.hid AS id, (h.hk)::text AS sort_key FROM (SELECT hid, hk FROM (SELECT d.customer_id AS hid, d.created_at AS hk$HS FROM customer_facets d WHERE d.store_id = (SELECT \$1::text) AND d.facet = (SELECT 't' || \$2::text) ORDER BY d.created_at DESC, d.customer_id DESC LIMIT 2000) e WHERE true$HT3 AND EXISTS (SELECT 1 FROM customer_facets g WHERE g.store_id = (SELECT \$1::text) AND g.facet = (SELECT 't' || \$3::text) AND g.created_at = e.hk AND g.customer_id = e.hid OFFSET 0) ORDER BY hk DESC, hid DESC LIMIT 26) h ORDER BY h.hk DESC, h.hid DESC"
one="SELECT h.hid AS id, (h.hk)::text AS sort_key FROM (SELECT hid, hk FROM (SELECT d.customer_id AS hid, d.created_at AS hk FROM customer_facets d WHERE d.store_id = (SELECT \$1::text) AND d.facet = (SELECT 'm' || jsonb_build_object(\$2::text, \$3::text)::text) ORDER BY d.created_at DESC, d.customer_id DESC LIMIT 26) e WHERE true ORDER BY hk DESC, hid DESC LIMIT 26) h ORDER BY h.hk DESC, h.hid DESC"
{
echo "SET plan_cache_mode = force_generic_plan;"
echo "PREPARE two(text,text,text,text,text) AS $two;"
echo "PREPARE tags(text,text,text) AS $tags;"
echo "PREPARE one(text,text,text) AS $one;"
for i in 1 2 3 4 5 6; do echo "EXECUTE two('$S','referrer','campaign_3','source','import'); EXECUTE tags('$S','newsletter','vip'); EXECUTE one('$S','source','web');"; done
echo "EXPLAIN (ANALYZE, BUFFERS) EXECUTE two('$S','referrer','campaign_3','source','import');"
echo "EXPLAIN (ANALYZE, BUFFERS) EXECUTE tags('$S','newsletter','vip');"
echo "EXPLAIN (ANALYZE, BUFFERS) EXECUTE one('$S','source','web');"
echo "EXECUTE two('$S','referrer','campaign_3','source','import');"
} > $SIDE.sql
psql -h 127.0.0.1 -p $PORT -U postgres -At -f $SIDE.sql > /dev/null 2>&1
psql -h 127.0.0.1 -p $PORT -U postgres -f $SIDE.sql 2>&1 | grep -v "^ cust_\|^---\|^ *id \|^(26 rows)\|EXECUTE\|^$"
