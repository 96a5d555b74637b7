#!/usr/bin/env bash
# aggr35: the 30k x 1,000 seed (engine34's): bench/engine/run.sh at main 0537a7a with --keep-data, STEPS=none
# (its VACUUM (ANALYZE) included) -> seed-base (V79); then a copy started once by the new jar (V80 migrated),
# VACUUM (ANALYZE) on a scratch PostgreSQL -> seed-new. Every run then starts a fresh copy of its side's seed.
set -eu
S=/work/aggr35-work
cd /work/wt/aggr35-base
rm -rf $S/seedrun $S/seed-base $S/seed-new
STEPS=none CUSTOMERS=30000 SEGMENTS=1000 PROFILE=0 QUIET_MAX=0 WORK_DIR=$S/seedrun JAR=$S/base.jar \
  bench/engine/run.sh --skip-build --keep-data
mv $S/seedrun/data-small $S/seed-base
rm -rf $S/seedrun; mkdir -p $S/seedrun
cp -a $S/seed-base $S/seedrun/data-small
STEPS=none CUSTOMERS=30000 SEGMENTS=1000 PROFILE=0 QUIET_MAX=0 WORK_DIR=$S/seedrun JAR=$S/new.jar \
  bench/engine/run.sh --skip-build --reuse-data
mv $S/seedrun/data-small $S/seed-new
$S/pgup.sh $S/seed-new 55499
psql -X -q "postgresql://postgres:postgres@127.0.0.1:55499/postgres" -c "VACUUM (ANALYZE)" -c "SELECT max(version) FROM flyway_schema_history" -c "SELECT count(*) FROM customer_orders"
$S/pgdown.sh $S/seed-new
