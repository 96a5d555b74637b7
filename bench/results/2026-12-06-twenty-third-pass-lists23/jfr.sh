#!/bin/bash
# One bench-lock hold: JFR CPU profile of one jar under the list loads at 64 connections (bench/run.sh JFR=1),
# on a fresh cp -a copy of the 1M seed. usage: jfr.sh RUN_NAME JAR
set -u
RUN=$1 JAR=$2
W=/work/lists23-work/jfr
cd /work/lists23-work/benchsrc
echo "start $(date -u +%T) $(uptime)"
rm -rf $W && mkdir -p $W && cp -a /work/lead19-work/bw/data $W/data
WORK_DIR=$W SHOAL_JAR=$JAR JFR=1 SCENARIOS="list_tags list_metadata list_created" LIGHT_CONNS=0 RUNS=1 DURATION=15 \
  WARMUP=5 QUIET_MAX=5 HTTP_PORT=18560 CEILING_PORT=18561 PG_PORT=18562 bench/run.sh --keep-data --skip-build
rc=$?
d=$(ls -td $W/results/2*/ | head -1)
mkdir -p /work/lists23-work/runs/$RUN && cp $d/*.txt $d/*.tsv $d/*.md /work/lists23-work/runs/$RUN/ 2>/dev/null
rm -rf $W/data
echo "end $(date -u +%T) rc=$rc $(uptime)"
