#!/usr/bin/env bash
# engine34: the 30k x 1,000 seed (as engine33's): bench/engine/run.sh at main 79e004d with --keep-data, STEPS=none
# (its VACUUM (ANALYZE) included); the data set then moved to seed-base/
set -eu
S=/work/engine34-work
cd /work/wt/engine34-base
rm -rf $S/seedrun
STEPS=none CUSTOMERS=30000 SEGMENTS=1000 PROFILE=0 QUIET_MAX=0 WORK_DIR=$S/seedrun JAR=$S/base.jar \
  bench/engine/run.sh --skip-build --keep-data
mv $S/seedrun/data-small $S/seed-base
