#!/bin/bash
# stmts.sh PORT SIDE(base|new): the statements CustomerListing runs for a search beside a filter or another
# sort, and for a search's count, as base (main: customers' trigram GIN / covering index) and new (search29:
# customer_search, joined by key) write them; EXPLAIN (ANALYZE, BUFFERS, TIMING OFF), second of two runs.
P="psql -h 127.0.0.1 -p $1 -U postgres -X -q -At"; SIDE=$2
S=store_m1kz34eemsw123pmnxmv
st="(SELECT '$S'::text)"
# walk: default order, search + tags/metadata (bound 2,000 rows), planned once
walk() { # term filtercol filterval
  local f="$2 @> (SELECT '$3'::${4})::${4}"
  if [ $SIDE = base ]; then
    echo "SELECT h.hid AS id, (h.hk)::text AS sort_key FROM (SELECT hid, hk FROM (SELECT id AS hid, (created_at) AS hk, search_text, $2 FROM customers WHERE store_id = $st ORDER BY created_at DESC, id DESC LIMIT 2000) r WHERE true AND strpos(r.search_text, (SELECT '$1'::text)) > 0 AND r.$f ORDER BY hk DESC, hid DESC LIMIT 26) h ORDER BY h.hk DESC, h.hid DESC"
  else
    echo "SELECT h.hid AS id, (h.hk)::text AS sort_key FROM (SELECT hid, hk FROM (SELECT hid, hk FROM (SELECT id AS hid, (created_at) AS hk, search_text FROM customer_search WHERE store_id = $st ORDER BY created_at DESC, id DESC LIMIT 20000) r WHERE strpos(r.search_text, (SELECT '$1'::text)) > 0 ORDER BY hk DESC, hid DESC LIMIT 2000) r WHERE true AND EXISTS (SELECT 1 FROM customers c WHERE c.store_id = $st AND c.id = r.hid AND c.$f OFFSET 0) ORDER BY hk DESC, hid DESC LIMIT 26) h ORDER BY h.hk DESC, h.hid DESC"
  fi; }
# every match: search + filter (expr = sort key), cap (0 = none)
matches() { # term where-extra expr cap
  local lim=""; [ "$4" != 0 ] && lim="LIMIT $(($4+1))"
  local term="search_folded LIKE '%$1%' AND strpos(search_text, '$1') > 0"
  if [ $SIDE = base ]; then w="store_id = '$S' $2 AND $term"
  elif [ $SIDE = newB ]; then w="store_id = '$S' $2 AND strpos(search_text, '$1') > 0"
  else w="store_id = '$S' $2 AND id IN (SELECT s.id FROM customer_search s WHERE s.store_id = '$S' AND s.$term)"; fi
  echo "WITH hits AS MATERIALIZED (SELECT id AS hid, ($3) AS hk FROM customers WHERE $w $lim) SELECT h.hid AS id, (h.hk)::text AS sort_key, (SELECT count(*) FROM hits) AS match_count FROM (SELECT hid, hk FROM hits ORDER BY hk DESC, hid DESC LIMIT 26) h ORDER BY h.hk DESC, h.hid DESC"; }
count() { # term where-extra (empty = search alone)
  local term="search_folded LIKE '%$1%' AND strpos(search_text, '$1') > 0"
  if [ $SIDE = base ]; then echo "SELECT count(*) FROM (SELECT 1 FROM customers WHERE store_id = '$S' $2 AND $term LIMIT 1001) s"
  elif [ $SIDE = newB ]; then echo "SELECT count(*) FROM (SELECT 1 FROM customers WHERE store_id = '$S' $2 AND strpos(search_text, '$1') > 0 LIMIT 1001) s"
  elif [ -z "$2" ]; then echo "SELECT count(*) FROM (SELECT 1 FROM customer_search WHERE store_id = '$S' AND $term LIMIT 1001) s"
  else echo "SELECT count(*) FROM (SELECT 1 FROM customers WHERE store_id = '$S' $2 AND id IN (SELECT s.id FROM customer_search s WHERE s.store_id = '$S' AND s.$term) LIMIT 1001) s"; fi; }
run() { local out; $P -c "$2" > /dev/null; out=$($P -c "EXPLAIN (ANALYZE, BUFFERS, TIMING OFF, FORMAT JSON) $2")
  echo "$out" | python3 -c 'import json,sys; j=json.load(sys.stdin)[0]; p=j["Plan"]; print("%s\t%d\t%.2f" % (sys.argv[1], p.get("Shared Hit Blocks",0)+p.get("Shared Read Blocks",0), j["Execution Time"]))' "$1"
  [ -n "$PLANS" ] && { echo "== $1"; $P -c "EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) $2"; } >> $PLANS; }
TV="tags|{vip}|text[]"; TB="tags|{b2b}|text[]"; MW='metadata|{"source":"web"}|jsonb'
for t in garcia black scott.w 891960 gmail; do
  for f in "$TV" "$TB" "$MW"; do IFS='|' read c v ty <<< "$f"; run "walk $t $c=$v" "$(walk $t $c "$v" $ty)"; done
  run "matches $t tags=vip cap0" "$(matches $t "AND tags @> '{vip}'::text[]" created_at 0)"
  run "matches $t tags=b2b cap0" "$(matches $t "AND tags @> '{b2b}'::text[]" created_at 0)"
  run "matches $t source=web cap5000" "$(matches $t "AND metadata @> '{\"source\":\"web\"}'::jsonb" created_at 5000)"
  run "matches $t created_after cap5000" "$(matches $t "AND created_at >= '2025-06-01'" created_at 5000)"
  run "matches $t sort=total_spent cap5000" "$(matches $t "" total_spent 5000)"
  run "count $t" "$(count $t "")"
  run "count $t tags=vip" "$(count $t "AND tags @> '{vip}'::text[]")"
done
