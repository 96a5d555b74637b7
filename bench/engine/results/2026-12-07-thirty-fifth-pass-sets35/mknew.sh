#!/usr/bin/env bash
# sets35: seed-new = seed-base migrated once to V80 by the new jar (a start and a stop through run.sh, STEPS=none)
set -eu
S=/work/sets35-work
rm -rf $S/mk && mkdir -p $S/mk && cp -a $S/seed-base $S/mk/data-small
cd /work/wt/sets35-base
STEPS=none CUSTOMERS=30000 SEGMENTS=1000 PROFILE=0 QUIET_MAX=0 WORK_DIR=$S/mk JAR=$S/new.jar bench/engine/run.sh --skip-build --reuse-data --keep-data
rm -rf $S/seed-new; mv $S/mk/data-small $S/seed-new
