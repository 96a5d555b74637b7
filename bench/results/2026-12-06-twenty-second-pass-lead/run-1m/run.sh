#!/bin/bash
# bench/run.sh in full at 1M (RUNS=2 for time), main ee51cf9's jar (46b05bf: docs only since), fresh copy of the 1M seed
cd /work/wt/suite18
uptime
SHOAL_JAR=/work/lead22-work/jars/main-ee51cf9.jar WORK_DIR=/work/lead22-work/full RUNS=2 bench/run.sh --keep-data --skip-build
uptime
