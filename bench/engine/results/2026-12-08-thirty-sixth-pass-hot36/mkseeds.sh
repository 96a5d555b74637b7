#!/usr/bin/env bash
# hot36: the two sides' seeds from one 30k x 1,000 seed (seed-v80: jvm36's run.sh --keep-data at main 050cc53, V80,
# its VACUUM (ANALYZE) included), each table rewritten the same way:
#   seed-base: customer_eval_state rewritten by VACUUM FULL at fillfactor 100 (tools/Pg.java), then one start and stop
#              of the base jar (run.sh STEPS=none);
#   seed-new:  one start and stop of the new jar (run.sh STEPS=none): V81 sets fillfactor 75 and rewrites the table
#              (CLUSTER in primary-key order).
set -eu
W=/work/hot36-work
rm -rf $W/seed-base $W/seed-new $W/mk; mkdir -p $W/mk
cp -a $W/seed-v80 $W/mk/data-small; rm -f $W/mk/data-small/pg/postmaster.pid
exec 3< <(sleep 100000); SP=$!
coproc PG { java -cp $W/base.jar $W/tools/Pg.java $W/mk/data-small/pg 5494 <&3; }
read -r line <&${PG[0]}; echo "$line"
psql -X -q "postgresql://postgres:postgres@127.0.0.1:5494/postgres" -c "VACUUM FULL customer_eval_state" \
  -c "SELECT pg_size_pretty(pg_relation_size('customer_eval_state')), pg_relation_size('customer_eval_state') / 8192 AS pages"
kill $SP; exec 3<&-; wait
cd /work/wt/hot36
for side in base new; do
  [ $side = new ] && { rm -rf $W/mk/data-small; cp -a $W/seed-v80 $W/mk/data-small; rm -f $W/mk/data-small/pg/postmaster.pid; }
  STEPS=none CUSTOMERS=30000 SEGMENTS=1000 PROFILE=0 QUIET_MAX=0 WORK_DIR=$W/mk JAR=$W/$side.jar \
    bench/engine/run.sh --skip-build --reuse-data --keep-data > $W/mk/mk-$side.log 2>&1
  mv $W/mk/data-small $W/seed-$side
done
