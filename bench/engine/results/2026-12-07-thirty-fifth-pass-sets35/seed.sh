#!/usr/bin/env bash
# sets35: the 30k x 1,000 seed (as engine34's): bench/engine/run.sh at main 0537a7a with --keep-data, STEPS=none
# (its VACUUM (ANALYZE) included); the data set then moved to seed-base/
set -eu
S=/work/sets35-work
cd /work/wt/sets35-base
rm -rf $S/seedrun
STEPS=none CUSTOMERS=30000 SEGMENTS=1000 PROFILE=0 QUIET_MAX=0 WORK_DIR=$S/seedrun JAR=$S/base.jar \
  bench/engine/run.sh --skip-build --keep-data
mv $S/seedrun/data-small $S/seed-base
