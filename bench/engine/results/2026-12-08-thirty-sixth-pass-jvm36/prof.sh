#!/usr/bin/env bash
# jvm36 task 1: one base run (main 050cc53) with JFR (PROFILE=1) and a perf record of the JVM (frame pointers kept)
cd /work/jvm36-work
mkdir -p one/logs
./perfjvm.sh one/logs/perf-base & pp=$!
PROFILE=1 EXTRA_OPTS=-XX:+PreserveFramePointer ORDER=base ./one.sh
wait $pp
