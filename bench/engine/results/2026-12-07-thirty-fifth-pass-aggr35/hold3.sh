#!/usr/bin/env bash
# aggr35: one bench-lock hold: seed-new2 (seed-base migrated to V80 by the branch's full jar, new2.jar: the
# aggregates table with customers' own aggregate columns dropped, readers switched; VACUUM (ANALYZE)), fresh copies,
# then one pair (pair.sh) in ORDER
set -u
S=/work/aggr35-work
cd /work/wt/aggr35-base
if [ ! -d $S/seed-new2 ]; then
  rm -rf $S/seedrun; mkdir -p $S/seedrun
  cp -a $S/seed-base $S/seedrun/data-small
  STEPS=none CUSTOMERS=30000 SEGMENTS=1000 PROFILE=0 QUIET_MAX=0 WORK_DIR=$S/seedrun JAR=$S/new2.jar \
    bench/engine/run.sh --skip-build --reuse-data > $S/seed-new2.log 2>&1
  mv $S/seedrun/data-small $S/seed-new2
  $S/pgup.sh $S/seed-new2 55499
  psql -X -q "postgresql://postgres:postgres@127.0.0.1:55499/postgres" -c "VACUUM (ANALYZE)" \
    -c "SELECT version FROM flyway_schema_history ORDER BY installed_rank DESC LIMIT 1" >> $S/seed-new2.log 2>&1
  $S/pgdown.sh $S/seed-new2
fi
cd $S
ls -d copies/new2-* >/dev/null 2>&1 || ./prep.sh new2 1
ls -d copies/base-* >/dev/null 2>&1 || ./prep.sh base 1
sleep 20
ORDER="$ORDER" ./pair.sh
