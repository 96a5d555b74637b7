#!/usr/bin/env bash
# jvm36 warm-up pairs: the same jar (main 050cc53) with run.sh's 5 s warm-up and with 60 s, each on a fresh copy of the
# seed, in ORDER (cold = WARMUP 5, warm = WARMUP 60); no perf, no JFR
cd /work/jvm36-work
for w in ${ORDER:-5 60}; do ORDER=base WARMUP=$w ./one.sh; done
