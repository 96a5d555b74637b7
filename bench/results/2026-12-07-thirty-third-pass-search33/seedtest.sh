#!/bin/bash
# seedtest.sh: the new seed (search33's BenchDb) at 20,000 customers, kept; then customer_search's order and sizes
W=/work/search33-work/seedtest; rm -rf $W; mkdir -p $W
SHOAL_JAR=/work/search33-work/jars/base-7de52c7.jar WORK_DIR=$W CUSTOMERS=20000 SCENARIOS= LIGHT_SCENARIOS= LIGHT_CONNS=0 PROBES=0 \
  HTTP_PORT=18334 CEILING_PORT=18394 PG_PORT=54334 /work/wt/search33/bench/run.sh --keep-data --skip-build > $W/run.log 2>&1
echo rc=$?
grep "seed" $W/logs/seed.log
PGB=/tmp/embedded-pg/PG-3f56119e081746ae724788ccb91a76e2/bin
runuser -u postgres -- $PGB/pg_ctl -D $W/data/pg -o "-p 54334 -k /tmp" -l /tmp/search33-pg3.log start -w > /dev/null
psql -h /tmp -p 54334 -U postgres -X -c "select attname, correlation from pg_stats where tablename='customer_search' and attname in ('created_at','id')" \
  -c "select relname, relpages, relallvisible from pg_class where relname like 'customer_search%'" \
  -c "select indexrelid::regclass, pg_get_indexdef(indexrelid) from pg_index where indrelid='customer_search'::regclass" \
  -c "select count(*), count(*) filter (where s.search_text = c.search_text and s.search_folded = c.search_folded) from customer_search s join customers c using (store_id, created_at, id)" \
  -c "select count(*) from customers"
runuser -u postgres -- $PGB/pg_ctl -D $W/data/pg stop -w > /dev/null
