#!/bin/bash
# One bench-lock hold: a fresh cp -a copy of the 1M seed (lead19's, seed 42), base (main 2fef24a's jar) and
# new side by side with bench/search-1m.sh (sides alternating, order flipped per round), then both stopped.
# usage: ab.sh RUN_NAME NEW_JAR [ROUNDS] [DUR]
set -u
RUN=$1 NEW=$2 ROUNDS=${3:-2} DUR=${4:-10}
W=/work/lists23-work/s1m
cd /work/lists23-work/benchsrc
echo "start $(date -u +%T) $(uptime)"
rm -rf $W/data $W/data-base $W/data-new && mkdir -p $W && cp -a /work/lead19-work/bw/data $W/data
echo "copied $(date -u +%T) $(uptime)"
WORK_DIR=$W CLASSES="${CLASSES:-list:tags list:created list:metadata list:segment}" CONNS="${CONNS:-64 8}" \
  BASE_PORT=18540 NEW_PORT=18550 \
  bench/search-1m.sh /work/lists23-work/jars/base-2fef24a.jar "$NEW" "$ROUNDS" "$DUR"
rc=$?
d=$(ls -td $W/results/2*/ | head -1)
mkdir -p /work/lists23-work/runs/$RUN && cp $d/*.tsv $d/*.txt /work/lists23-work/runs/$RUN/ 2>/dev/null
echo "end $(date -u +%T) rc=$rc $(uptime)"
