#!/bin/bash
# hold1.sh: one bench-lock hold (the queue left no time for one a round): warm both fresh JVMs, 3 rounds of
# metadata and created (control) lists at 8 and 64 connections (10 s a side), then 3 rounds of creates at 64
# connections (15 s a side), then the migrated data's check (after every measurement).
cd /work/lists32-work
sed -i 's/for c in metadata tags created/for c in metadata created/' tools/warm.sh
tools/warm.sh 19660 19670 > ab/warm.out 2>&1
for r in 1 2 3; do tools/round.sh $r 10 "list:metadata list:created" "8 64"; done
for r in 1 2 3; do tools/create.sh $r 15 64; done
tools/check-migrated.sh > ab/check-migrated.txt 2>&1
