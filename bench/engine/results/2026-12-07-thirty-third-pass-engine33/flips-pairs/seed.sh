#!/usr/bin/env bash
# engine33: the 30k x 1,000 seed (as engine32's): bench/engine/run.sh at main 7de52c7 with --keep-data, STEPS=none
# (its VACUUM (ANALYZE) included); the data set then moved to seed/
set -eu
S=/work/engine33-work
cd /work/wt/engine33-base
STEPS=none CUSTOMERS=30000 SEGMENTS=1000 PROFILE=0 QUIET_MAX=0 WORK_DIR=$S/seedrun JAR=$S/base.jar \
  bench/engine/run.sh --skip-build --keep-data
mv $S/seedrun/data-small $S/seed
