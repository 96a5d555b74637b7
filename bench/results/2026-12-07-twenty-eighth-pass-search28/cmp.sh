#!/bin/bash
# cmp.sh PORT: EXPLAIN (ANALYZE, BUFFERS) of the walk and the trigram path, base (customers) vs new (customer_search)
P="psql -h /tmp -p $1 -U postgres -X -q -At"
S=store_m1kz34eemsw123pmnxmv
walk() { # table idcol term
cat <<SQL
SELECT h.hid AS id, (h.hk)::text AS sort_key FROM
 (SELECT hid, hk FROM (SELECT $2 AS hid, (created_at) AS hk, search_text FROM $1 WHERE store_id = (SELECT '$S'::text) ORDER BY created_at DESC, $2 DESC LIMIT 20000) r
  WHERE true AND strpos(r.search_text, (SELECT '$3'::text)) > 0 ORDER BY hk DESC, hid DESC LIMIT 26) h
 ORDER BY h.hk DESC, h.hid DESC
SQL
}
tri() { # table idcol term
cat <<SQL
WITH hits AS MATERIALIZED (SELECT $2 AS hid, (created_at) AS hk FROM $1 WHERE store_id = '$S' AND search_folded LIKE '%$3%' AND strpos(search_text, '$3') > 0 LIMIT 5001) SELECT h.hid AS id, (h.hk)::text AS sort_key, (SELECT count(*) FROM hits) AS match_count FROM (SELECT hid, hk FROM hits ORDER BY hk DESC, hid DESC LIMIT 26) h ORDER BY h.hk DESC, h.hid DESC
SQL
}
one() { # kind table idcol term -> best exec ms of 5, buffers of last
  local best=999999 buf q; q=$($1 $2 $3 $4)
  for i in 1 2 3 4 5; do
    out=$($P -c "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) $q")
    t=$(echo "$out" | python3 -c 'import json,sys; j=json.load(sys.stdin)[0]; p=j["Plan"]; print(j["Execution Time"], p.get("Shared Hit Blocks",0)+p.get("Shared Read Blocks",0), p.get("Shared Read Blocks",0))')
    set -- $1 $2 $3 $4; e=${t%% *}; best=$(python3 -c "print(min($best,$e))"); buf=${t#* }
  done
  echo "$best $buf"
}
printf 'kind\tterm\tbase_ms\tbase_buf\tbase_read\tnew_ms\tnew_buf\tnew_read\n'
for t in ${WALK:-brooks olson reynol romero gibson smith garcia}; do
  b=$(one walk customers id $t); n=$(one walk customer_search customer_id $t)
  printf 'walk\t%s\t%s\t%s\n' $t "$(echo $b | tr ' ' '\t')" "$(echo $n | tr ' ' '\t')"
done
for t in ${TRI:-black becker herrer hender myers dubois takaha}; do
  b=$(one tri customers id $t); n=$(one tri customer_search customer_id $t)
  printf 'tri\t%s\t%s\t%s\n' $t "$(echo $b | tr ' ' '\t')" "$(echo $n | tr ' ' '\t')"
done
