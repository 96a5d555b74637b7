#!/usr/bin/env bash
# g17.sh LABEL "JVM options": issue 17's get over every customer while the profile cache fills (the twenty-second pass's
# gc22 method: 8 connections, no warm-up, RUNS x 20 s from an empty cache, get_uniform only, no ceiling), on a fresh
# copy of the 1M seed (seed 42, search24's) per run; the server with the given options + a GC log. Inside benchlock -x.
set -u
label=$1; opts=$2
W=/work/start27-work/g17
rm -rf $W/bw/data; mkdir -p $W/bw $W/gclogs $W/out
cp -a $W/seed $W/bw/data; rm -f $W/bw/data/pg/postmaster.pid; sync
echo "=== $label ($opts) $(date -u +%T) load: $(cat /proc/loadavg)" | tee -a $W/out/log
env SHOAL_JAR=/work/start27-work/base.jar WORK_DIR=$W/bw HTTP_PORT=18180 CEILING_PORT=18190 PG_PORT=54429 \
  SCENARIOS=get_uniform LIGHT_SCENARIOS= CONNS=8 LIGHT_CONNS=0 WARMUP=0 RUNS=${RUNS:-8} DURATION=20 QUIET_MAX=10 \
  SERVER_JAVA_OPTS="$opts -Xlog:gc*,gc+age=debug,safepoint:file=$W/gclogs/$label-%p.log:uptime,level,tags" \
  bash /work/start27-work/benchroot/bench/run.sh --keep-data --skip-build > $W/out/$label.out 2>&1
echo "rc=$?" >> $W/out/$label.out
res=$(ls -td $W/bw/results/2026* | head -1); cp -r $res $W/out/$label-res
echo "$label end $(date -u +%T) load: $(cat /proc/loadavg)" | tee -a $W/out/log
grep get_uniform $res/raw.tsv | cut -f1-11,15-17,23 | tee -a $W/out/log
rm -rf $W/bw/data
