#!/usr/bin/env bash
# engine33 step 2: seed-SIDE = seed-base started once by SIDE.jar (its migrations run: V80 since-instants for s2), stopped,
# then VACUUM (ANALYZE) on a scratch PostgreSQL, for each SIDE given
set -eu
S=/work/engine33-work
for side in "$@"; do
  rm -rf $S/mk-$side && mkdir -p $S/mk-$side && cp -a $S/seed-base $S/mk-$side/data-small
  (cd /work/wt/engine33-base && STEPS=none CUSTOMERS=30000 SEGMENTS=1000 PROFILE=0 QUIET_MAX=0 WORK_DIR=$S/mk-$side JAR=$S/$side.jar \
    bench/engine/run.sh --skip-build --reuse-data --keep-data)
  grep -h "migrations applied\|Migrating schema" $S/mk-$side/results/*/shoal-*.log || true
  $S/pgup.sh $S/mk-$side/data-small 55434
  psql -X "postgresql://postgres:postgres@127.0.0.1:55434/postgres" -c "VACUUM (ANALYZE)" -f $S/$( [ "$side" = s2 ] && echo rowsizes2.sql || echo rowsizes.sql)
  $S/pgdown.sh $S/mk-$side/data-small
  rm -rf $S/seed-$side && mv $S/mk-$side/data-small $S/seed-$side
done
