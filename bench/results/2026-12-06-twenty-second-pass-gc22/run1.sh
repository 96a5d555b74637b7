#!/bin/bash
# usage: run1.sh LABEL JAR [env...]   (run inside benchlock -x; one server start = one hold)
# A fresh cp -a copy of the 1M seed (gc21's, with ids-all.txt) per run; gc21's method otherwise.
# EXTRA_JAVA_OPTS: JVM options for the Shoal server only (SERVER_JAVA_OPTS of bench/run.sh).
label=$1; jar=$(readlink -f "$2"); shift 2
W=/work/gc22-work
rm -rf $W/bw/data; mkdir -p $W/bw $W/gclogs
s=$(date +%s); cp -a /work/gc21-work/bw/data $W/bw/data; rm -f $W/bw/data/pg/postmaster.pid
echo "copy of the seed: $(( $(date +%s) - s )) s" > $W/$label.uptime
sleep 15
echo "uptime before: $(uptime)" >> $W/$label.uptime
env "$@" SHOAL_JAR=$jar WORK_DIR=$W/bw \
  SERVER_JAVA_OPTS="${EXTRA_JAVA_OPTS:-} -Xlog:gc*,gc+phases=debug,gc+age=debug,safepoint:file=$W/gclogs/$label-%p.log:uptime,level,tags" \
  bash $W/tree/bench/run.sh --keep-data --skip-build > $W/$label.out 2>&1
echo "rc=$?" >> $W/$label.out
echo "uptime after: $(uptime)" >> $W/$label.uptime
