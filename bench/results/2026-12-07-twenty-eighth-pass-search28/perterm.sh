#!/bin/bash
# perterm.sh PORT: each bench surname, the statement base (main) and new (search28) run for it, buffers and ms
# (EXPLAIN (ANALYZE, BUFFERS, TIMING OFF), second of two runs); path by the exact match count against 1,818
P="psql -h /tmp -p $1 -U postgres -X -q -At"
S=store_m1kz34eemsw123pmnxmv
walk() { echo "SELECT h.hid AS id, (h.hk)::text AS sort_key FROM (SELECT hid, hk FROM (SELECT id AS hid, (created_at) AS hk, search_text FROM $1 WHERE store_id = (SELECT '$S'::text) ORDER BY created_at DESC, id DESC LIMIT 20000) r WHERE true AND strpos(r.search_text, (SELECT '$2'::text)) > 0 ORDER BY hk DESC, hid DESC LIMIT 26) h ORDER BY h.hk DESC, h.hid DESC"; }
tri() { echo "WITH hits AS MATERIALIZED (SELECT id AS hid, (created_at) AS hk FROM $1 WHERE store_id = '$S' AND search_folded LIKE '%$2%' AND strpos(search_text, '$2') > 0 LIMIT 5001) SELECT h.hid AS id, (h.hk)::text AS sort_key, (SELECT count(*) FROM hits) AS match_count FROM (SELECT hid, hk FROM hits ORDER BY hk DESC, hid DESC LIMIT 26) h ORDER BY h.hk DESC, h.hid DESC"; }
period() { echo "WITH span AS MATERIALIZED (SELECT max(created_at) AS hi, min(created_at) AS lo FROM customer_search WHERE store_id = '$S'), near AS MATERIALIZED (SELECT id AS hid, created_at AS hk FROM customer_search WHERE store_id = '$S' AND search_folded LIKE '%$1%' AND strpos(search_text, '$1') > 0 AND created_at >= (SELECT coalesce(null::text::timestamptz, hi) - (hi - lo) * $2 FROM span) LIMIT 5001), hits AS MATERIALIZED (SELECT hid, hk FROM near WHERE (SELECT count(*) FROM near) >= 26 UNION ALL (SELECT id, created_at FROM customer_search WHERE store_id = '$S' AND search_folded LIKE '%$1%' AND strpos(search_text, '$1') > 0 AND (SELECT count(*) FROM near) < 26 LIMIT 5001)) SELECT h.hid AS id, (h.hk)::text AS sort_key, (SELECT count(*) FROM hits) AS match_count, (SELECT count(*) FROM near) AS period_count FROM (SELECT hid, hk FROM hits ORDER BY hk DESC, hid DESC LIMIT 26) h ORDER BY h.hk DESC, h.hid DESC"; }
run() { local out; $P -c "$1" > /dev/null; out=$($P -c "EXPLAIN (ANALYZE, BUFFERS, TIMING OFF, FORMAT JSON) $1"); echo "$out" | python3 -c 'import json,sys; j=json.load(sys.stdin)[0]; p=j["Plan"]; print("%d\t%.2f" % (p.get("Shared Hit Blocks",0)+p.get("Shared Read Blocks",0), j["Execution Time"]))'; }
printf 'term\tmatches\tbase_path\tbase_buf\tbase_ms\tnew_path\tnew_buf\tnew_ms\n'
for t in $(cat /work/search24-work/seed/data/bench-seed/terms-surname.txt); do
  m=$($P -c "SELECT count(*) FROM customer_search WHERE strpos(search_text, '$t') > 0")
  if [ $m -le 1818 ]; then b=$(run "$(tri customers $t)"); bp=trigram; share=$(python3 -c "s=78/$m; print(s if s < 0.5 else 0)")
    if [ "$share" != 0 ]; then n=$(run "$(period $t $share)"); np=period; else n=$(run "$(tri customer_search $t)"); np=trigram; fi
  else b=$(run "$(walk customers $t)"); bp=walk; n=$(run "$(walk customer_search $t)"); np=walk; fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' $t $m $bp "$b" $np "$n"
done
