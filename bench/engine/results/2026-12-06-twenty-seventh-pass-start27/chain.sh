#!/usr/bin/env bash
# waits for new.jar, then: a warm-up start of new on dB (its copy's first start, not counted) + round 1, round 2, round 3,
# one bench-lock hold each
cd /work/start27-work
until [ -f new.jar ]; do sleep 5; done
/work/notes/benchlock -x bash -c 'bin/probe2.sh /work/start27-work/warm 1 "warm|/work/start27-work/new.jar|/work/start27-work/dB|-XX:MaxTenuringThreshold=1"; bin/ab-round2.sh 1'
for R in 2 3; do /work/notes/benchlock -x bin/ab-round2.sh $R; done
