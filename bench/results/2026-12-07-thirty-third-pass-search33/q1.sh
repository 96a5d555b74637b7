#!/bin/bash
# q1.sh PORT PGPORT TERMFILE: each term through the server one at a time: one warm request, then
# pg_stat_statements reset, the measured request, and what it ran: term, shape, calls, buffers, exec ms, http ms
. ${SEEDENV:-/work/search33-work/base-fresh/data/bench-seed/store.env}
P() { psql -h /tmp -p $PGP -U postgres -X -At -F "|" "$@"; }; PGP=$2
for t in $(cat $3); do
  curl -s -o /dev/null -H "Authorization: Bearer $API_KEY" "http://127.0.0.1:$1/v1/stores/$STORE_ID/customers?search=$t"
  P -c "select pg_stat_statements_reset()" > /dev/null
  ms=$(curl -s -o /dev/null -w '%{time_total}' -H "Authorization: Bearer $API_KEY" "http://127.0.0.1:$1/v1/stores/$STORE_ID/customers?search=$t")
  sleep 0.2
  P -c "select '$t', case when query like '%span AS%' then 'period' when query like '%hits AS%' then 'matches' when query like '%LIMIT 20000%' then 'walk' when query like '%LIMIT 40000%' then 'walk_on' else left(regexp_replace(query,'\s+',' ','g'),40) end, calls, shared_blks_hit+shared_blks_read, round(total_exec_time::numeric,2), rows, round($ms*1000) from pg_stat_statements where query like '%customer_search%' order by query"
done
