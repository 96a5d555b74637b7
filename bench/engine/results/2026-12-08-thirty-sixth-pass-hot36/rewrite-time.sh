#!/usr/bin/env bash
# hot36: how long a rewrite of customer_eval_state takes (VACUUM FULL at fillfactor 100, then at 75; CLUSTER at 75),
# on a copy of a data set (DIR/pg), the embedded PostgreSQL started by tools/Pg.java on PORT. Prints sizes and times.
set -u
DIR=$1; PORT=$2; W=/work/hot36-work
rm -f $DIR/pg/postmaster.pid
exec 3< <(sleep 100000); SP=$!
coproc PG { java -cp $W/base.jar $W/tools/Pg.java $DIR/pg $PORT <&3; }
read -r line <&${PG[0]}; echo "$line"
U="postgresql://postgres:postgres@127.0.0.1:$PORT/postgres"
q() { psql -X -q "$U" -c "$1"; }
echo "load: $(cat /proc/loadavg)"
q "SELECT pg_size_pretty(pg_relation_size('customer_eval_state')) heap, relpages, reltuples, reloptions FROM pg_class WHERE relname = 'customer_eval_state'"
q "CHECKPOINT"
for step in "VACUUM FULL customer_eval_state" "ALTER TABLE customer_eval_state SET (fillfactor = 75)" "VACUUM FULL customer_eval_state" "CLUSTER customer_eval_state USING customer_eval_state_pkey"; do
  s=$(date +%s.%N); q "$step"; e=$(date +%s.%N)
  echo "$step: $(echo "$e - $s" | bc) s"
  q "SELECT pg_size_pretty(pg_relation_size('customer_eval_state')) heap, pg_relation_size('customer_eval_state') / 8192 AS pages FROM pg_class WHERE relname = 'customer_eval_state'"
  q "CHECKPOINT"
done
echo "load: $(cat /proc/loadavg)"
kill $SP
exec 3<&-
wait
