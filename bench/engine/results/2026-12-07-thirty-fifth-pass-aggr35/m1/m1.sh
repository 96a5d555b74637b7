#!/usr/bin/env bash
# aggr35: the 1M list and get reads with one jar (m1.sh JAR LABEL) on /work/aggr35-work/m1/data (a copy of
# /work/lead33-work/bench/data: bench/run.sh's 1M seed, V79; the new jar migrates it to V80 at its start).
# Each query of queries.txt: 9 requests (curl time_total; the 6th on PostgreSQL's generic plan), the 10th with
# auto_explain (ANALYZE, BUFFERS) of every statement it ran; page 2 of the sorted ones by their cursor, the same;
# GET of 200 sampled ids twice (the second from the profile cache or not, as the server keeps it).
set -u
M=/work/aggr35-work/m1
JAR=$1; L=$2
O=$M/out-$L; rm -rf $O; mkdir -p $O
HP=18935; PP=55935
. $M/data/bench-seed/store.env
PSQL="psql -X -q -At postgresql://postgres:postgres@127.0.0.1:$PP/postgres"
cat >> $M/data/pg/postgresql.auto.conf <<CONF
session_preload_libraries = 'auto_explain'
auto_explain.log_min_duration = '-1'
auto_explain.log_analyze = 'on'
auto_explain.log_buffers = 'on'
auto_explain.log_nested_statements = 'on'
logging_collector = 'on'
log_directory = '$O/pglog'
log_filename = 'pg.log'
CONF
mkdir -p $O/pglog
echo "start $(date -u +%T) load $(cat /proc/loadavg)" | tee $O/log.txt
t0=$(date +%s.%N)
SHOAL_HTTP_HOST=127.0.0.1 SHOAL_HTTP_PORT=$HP SHOAL_DATA_DIR=$M/data SHOAL_EMBEDDED_PG_PORT=$PP SHOAL_PG_URL= SHOAL_ADMIN_KEY= \
  java -XX:MaxTenuringThreshold=1 -XX:+UseTransparentHugePages -jar $JAR > $O/shoal.log 2>&1 &
SP=$!
for i in $(seq 600); do curl -sf -m 5 -o /dev/null http://127.0.0.1:$HP/health/ready && break; sleep 0.5; done
echo "ready after $(echo "$(date +%s.%N) - $t0" | bc) s" | tee -a $O/log.txt
$PSQL -c "SELECT version FROM flyway_schema_history ORDER BY installed_rank DESC LIMIT 1" | tee -a $O/log.txt
sleep 20  # the start's background work (overdue checks, metrics refit)
B="http://127.0.0.1:$HP/v1/stores/$STORE_ID/customers"
H="Authorization: Bearer $API_KEY"
explain_on() { $PSQL -c "ALTER SYSTEM SET auto_explain.log_min_duration = 0" -c "SELECT pg_reload_conf()" >/dev/null; sleep 0.3; }
explain_off() { $PSQL -c "ALTER SYSTEM SET auto_explain.log_min_duration = -1" -c "SELECT pg_reload_conf()" >/dev/null; sleep 0.3; }
one() { # label url
  local times=()
  for r in $(seq 9); do times+=($(curl -s -o $O/body.json -w '%{time_total}' -H "$H" "$2")); done
  local code; code=$(curl -s -o /dev/null -w '%{http_code}' -H "$H" "$2")
  explain_on; echo "### $1" >> $O/pglog/marks.txt; echo "=== QUERY $1 $(date -u +%T.%N)" >> $O/explain-marks.txt
  curl -s -o $O/last.json -H "$H" "$2"; explain_off
  local med; med=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 5p)
  local mx; mx=$(printf '%s\n' "${times[@]}" | sort -n | tail -1)
  echo -e "$1\t$code\tmedian_ms=$(echo "$med * 1000" | bc)\tmax_ms=$(echo "$mx * 1000" | bc)\tn=$(jq '.data | length' $O/last.json)\tfirst=$(jq -r '.data[0].id' $O/last.json)\tlast=$(jq -r '.data[-1].id' $O/last.json)" | tee -a $O/lists.tsv
  # mark the log: a statement no server runs, to split the plans
  $PSQL -c "SELECT 'MARK $1'" >/dev/null
}
while read -r q; do
  one "$q" "$B?$q&limit=25"
  cur=$(jq -r '.next_cursor // .cursor // empty' $O/last.json)
  if [ -n "$cur" ] && [ "$cur" != null ]; then one "$q (page 2)" "$B?$q&limit=25&cursor=$cur"; fi
done < $M/queries.txt
# gets
head -200 $M/data/bench-seed/ids.txt > $O/ids.txt
for pass in 1 2; do
  s=$(date +%s.%N); while read -r id; do curl -s -o /dev/null -H "$H" "$B/$id"; done < $O/ids.txt
  echo "get pass $pass: 200 in $(echo "$(date +%s.%N) - $s" | bc) s" | tee -a $O/log.txt
done
explain_on; for id in $(head -3 $O/ids.txt); do curl -s -o /dev/null -H "$H" "$B/$id?x=1"; done; explain_off
$PSQL -c "SELECT relname, pg_size_pretty(pg_total_relation_size(relid)) FROM pg_stat_user_tables WHERE relname IN ('customers','customer_orders') " >> $O/log.txt
kill $SP; wait $SP
sed -i '/^session_preload_libraries\|^auto_explain\|^logging_collector\|^log_directory\|^log_filename/d' $M/data/pg/postgresql.auto.conf
echo "end $(date -u +%T) load $(cat /proc/loadavg)" | tee -a $O/log.txt
