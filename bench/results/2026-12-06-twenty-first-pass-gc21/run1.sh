#!/bin/bash
# usage: run1.sh LABEL JAR [env...]   (run under flock -x /work/bench.lock)
label=$1; jar=$(readlink -f "$2"); shift 2
cd /work/wt/gc21
mkdir -p /work/gc21-work/gclogs
echo "uptime before: $(uptime)" > /work/gc21-work/$label.uptime
env "$@" SHOAL_JAR=$jar WORK_DIR=/work/gc21-work/bw \
  JAVA_OPTS="${EXTRA_JAVA_OPTS:-} -Xlog:gc*,gc+phases=debug,gc+age=debug,safepoint:file=/work/gc21-work/gclogs/$label-%p.log:uptime,level,tags" \
  bash bench/run.sh --keep-data --skip-build > /work/gc21-work/$label.out 2>&1
echo "rc=$?" >> /work/gc21-work/$label.out
echo "uptime after: $(uptime)" >> /work/gc21-work/$label.uptime
