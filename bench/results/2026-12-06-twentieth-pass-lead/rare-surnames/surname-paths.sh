#!/bin/bash
# per surname term: exact matches, rarest-trigram share (20k sample), walk-20k time, trigram time
S=store_yz0wygaxkwfvhdr1jgg8; T=${1:-/work/lead19-work/bw/data/bench-seed/terms-surname.txt}
q() { psql -h 127.0.0.1 -p 55990 -U postgres -At -c "$1"; }
ex() { q "EXPLAIN (ANALYZE) $1" >/dev/null; q "EXPLAIN (ANALYZE) $1" | sed -n 's/Execution Time: \(.*\) ms/\1/p'; }
q "CREATE TEMP TABLE x(a int)" >/dev/null
q "DROP TABLE IF EXISTS samp; CREATE TABLE samp AS SELECT t, count(*) n FROM (SELECT search_folded FROM customers TABLESAMPLE SYSTEM (2) ) s, unnest(show_trgm(s.search_folded)) t GROUP BY t; " >/dev/null
R=$(q "SELECT count(*) FROM (SELECT 1 FROM customers TABLESAMPLE SYSTEM (2) REPEATABLE (1)) s")
while read t; do
  m=$(q "SELECT count(*) FROM customers WHERE store_id='$S' AND search_folded LIKE '%$t%' AND strpos(search_text,'$t')>0")
  mn=$(q "SELECT coalesce(min(coalesce(n,0)),0) FROM unnest(show_trgm('$t')) g LEFT JOIN samp ON samp.t=g WHERE g ~ '^[a-z0-9]{3}$'")
  w=$(ex "SELECT hid FROM (SELECT id AS hid, created_at AS hk, search_text FROM customers WHERE store_id='$S' ORDER BY created_at DESC, id DESC LIMIT 20000) r WHERE strpos(r.search_text,'$t')>0 ORDER BY hk DESC, hid DESC LIMIT 20")
  g=$(ex "WITH hits AS MATERIALIZED (SELECT id AS hid, created_at AS hk FROM customers WHERE store_id='$S' AND search_folded LIKE '%$t%' AND strpos(search_text,'$t')>0 LIMIT 5001) SELECT hid, (select count(*) from hits) FROM hits ORDER BY hk DESC, hid DESC LIMIT 20")
  echo "$t $m $mn $w $g"
done < $T
