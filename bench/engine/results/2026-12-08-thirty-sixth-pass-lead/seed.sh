#!/usr/bin/env bash
# lead36: the 30k x 1,000 seed made by the base jar (main 050cc53, V80): bench/engine/run.sh STEPS=none --keep-data
set -eu
L=/work/lead36-work
cd /work/wt/suite36
rm -rf $L/seedrun $L/seed
STEPS=none CUSTOMERS=30000 SEGMENTS=1000 PROFILE=0 QUIET_MAX=0 WORK_DIR=$L/seedrun JAR=$L/base.jar \
  bench/engine/run.sh --skip-build --keep-data > $L/seed.log 2>&1
mv $L/seedrun/data-small $L/seed
du -sh $L/seed
