#!/bin/bash
# seed1m.sh: a fresh 1M seed (seed 42) with search33's BenchDb (customer_search CLUSTERed, both tables vacuumed), kept
W=/work/search33-work/new-seed; rm -rf $W; mkdir -p $W
SHOAL_JAR=/work/search33-work/jars/base-7de52c7.jar WORK_DIR=$W SCENARIOS= LIGHT_SCENARIOS= LIGHT_CONNS=0 PROBES=0 \
  HTTP_PORT=18335 CEILING_PORT=18395 PG_PORT=54335 /work/wt/search33/bench/run.sh --keep-data --skip-build > $W/run.log 2>&1
echo rc=$?
cat $W/logs/seed.log
