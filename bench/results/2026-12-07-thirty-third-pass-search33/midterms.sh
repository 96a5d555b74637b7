#!/bin/bash
# midterms.sh: on search33's fresh 1M seed (new BenchDb: customer_search in key order), every bench surname's
# walk (main's statement: the key newest first, <= 20,000 entries) against the period statement (main's BY_PERIOD
# shape, the whole term as its one pattern, the share for 3 pages of the exact match count, whatever the count):
# EXPLAIN (ANALYZE, BUFFERS, TIMING OFF), second of two runs. Buffers are the figure (ms: load from others' tests).
D=/work/search33-work/new-seed/data/pg; PGB=/tmp/embedded-pg/PG-3f56119e081746ae724788ccb91a76e2/bin
chown -R postgres:postgres $D; rm -f $D/postmaster.pid
runuser -u postgres -- $PGB/pg_ctl -D $D -o "-p 54336 -k /tmp -c shared_buffers=256MB" -l /tmp/search33-pg4.log start -w > /dev/null
P="psql -h /tmp -p 54336 -U postgres -X -q -At"
. /work/search33-work/new-seed/data/bench-seed/store.env; S=$STORE_ID
walk() { echo "SELECT h.hid AS id, (h.hk)::text AS sort_key FROM (SELECT hid, hk FROM (SELECT id AS hid, (created_at) AS hk, search_text FROM customer_search WHERE store_id = (SELECT '$S'::text) ORDER BY created_at DESC, id DESC LIMIT 20000) r WHERE true AND strpos(r.search_text, (SELECT '$1'::text)) > 0 ORDER BY hk DESC, hid DESC LIMIT 26) h ORDER BY h.hk DESC, h.hid DESC"; }
period() { echo "WITH span AS MATERIALIZED (SELECT max(created_at) AS hi, min(created_at) AS lo FROM customer_search WHERE store_id = '$S'), near AS MATERIALIZED (SELECT id AS hid, created_at AS hk FROM customer_search WHERE store_id = '$S' AND search_folded LIKE '%$1%' AND strpos(search_text, '$1') > 0 AND created_at >= (SELECT coalesce(null::text::timestamptz, hi) - (hi - lo) * $2 FROM span) LIMIT 5001), hits AS MATERIALIZED (SELECT hid, hk FROM near WHERE (SELECT count(*) FROM near) >= 26 UNION ALL (SELECT id, created_at FROM customer_search WHERE store_id = '$S' AND search_folded LIKE '%$1%' AND strpos(search_text, '$1') > 0 AND (SELECT count(*) FROM near) < 26 LIMIT 5001)) SELECT h.hid AS id, (h.hk)::text AS sort_key, (SELECT count(*) FROM hits) AS match_count, (SELECT count(*) FROM near) AS period_count FROM (SELECT hid, hk FROM hits ORDER BY hk DESC, hid DESC LIMIT 26) h ORDER BY h.hk DESC, h.hid DESC"; }
run() { $P -c "$1" > /dev/null; $P -c "EXPLAIN (ANALYZE, BUFFERS, TIMING OFF, FORMAT JSON) $1" | python3 -c 'import json,sys; j=json.load(sys.stdin)[0]; p=j["Plan"]; print("%d\t%.2f" % (p.get("Shared Hit Blocks",0)+p.get("Shared Read Blocks",0), j["Execution Time"]))'; }
printf 'term\tmatches\twalk_buf\twalk_ms\tperiod_share\tperiod_buf\tperiod_ms\n'
for t in $(cat /work/search33-work/new-seed/data/bench-seed/terms-surname.txt); do
  m=$($P -c "SELECT count(*) FROM customer_search WHERE store_id = '$S' AND strpos(search_text, '$t') > 0")
  share=$(python3 -c "print('%.6f' % min(0.49, 78/$m))")
  printf '%s\t%s\t%s\t%s\t%s\n' $t $m "$(run "$(walk $t)")" $share "$(run "$(period $t $share)")"
done
runuser -u postgres -- $PGB/pg_ctl -D $D stop -w > /dev/null; chown -R root:root $D
