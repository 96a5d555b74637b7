#!/usr/bin/env bash
# jvm36: the 30k x 1,000 seed: bench/engine/run.sh at main 050cc53 with --keep-data, STEPS=none (its VACUUM (ANALYZE)
# included); the data set then moved to seed/
set -eu
S=/work/jvm36-work
cd /work/wt/jvm36
rm -rf $S/seedrun
STEPS=none CUSTOMERS=30000 SEGMENTS=1000 PROFILE=0 QUIET_MAX=0 WORK_DIR=$S/seedrun JAR=$S/base.jar \
  bench/engine/run.sh --skip-build --keep-data
mv $S/seedrun/data-small $S/seed
