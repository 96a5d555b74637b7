#!/usr/bin/env bash
# round 1 (inside benchlock -x): an uncounted warm start of new1 on dB (its copy's first), then base, new1
OUT=/work/start28-work/ab
/work/start28-work/bin/probe3.sh /work/start28-work/warm 1 "warm|/work/start28-work/new1.jar|/work/start28-work/dB|-XX:MaxTenuringThreshold=1"
/work/start28-work/bin/ab.sh $OUT 1 /work/start28-work/new1.jar
