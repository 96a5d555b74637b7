#!/usr/bin/env bash
# jvm36 hold 2: base (main 050cc53) with 60 s warm-up and a perf record (call graphs, frame pointers) of the JVM
cd /work/jvm36-work
ORDER=base WARMUP=60 PERF=1 EXTRA_OPTS=-XX:+PreserveFramePointer ./one.sh
