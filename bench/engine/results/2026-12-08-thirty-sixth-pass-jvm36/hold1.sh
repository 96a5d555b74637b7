#!/usr/bin/env bash
# jvm36 hold 1: base (main 050cc53) with run.sh's 5 s warm-up, then base with 60 s warm-up and a perf record of the JVM
cd /work/jvm36-work
ORDER=base WARMUP=5 ./one.sh
ORDER=base WARMUP=60 PERF=1 EXTRA_OPTS=-XX:+PreserveFramePointer ./one.sh
