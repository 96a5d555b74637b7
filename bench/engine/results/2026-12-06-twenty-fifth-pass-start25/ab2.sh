#!/usr/bin/env bash
# 100k side by side (base vs new2, 3 rounds), then 1M base vs new2 in place, 2 rounds.
cd /work/wt/start25
echo "hold from $(date -u +%T), load $(cat /proc/loadavg)"
bench/engine/start-side-by-side.sh /work/start25-work/base.jar /work/start25-work/new2.jar /work/start25-work/data100k 3
echo "100k done $(date -u +%T), load $(cat /proc/loadavg)"
cd /work/start25-work
OUT=/work/start25-work/ab1m-2 INPLACE=1 MON=1 bin/probe.sh /work/start25-work/m1-@ 2 /work/start25-work/base.jar /work/start25-work/new2.jar
echo "hold until $(date -u +%T), load $(cat /proc/loadavg)"
