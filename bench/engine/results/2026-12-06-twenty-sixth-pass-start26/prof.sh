#!/usr/bin/env bash
# one 1M start of new.jar on its copy with JFR (CPU + allocation samples at 20,000/s) and a class histogram at ready
cd /work/start26-work
echo "hold from $(date -u +%T), load $(cat /proc/loadavg)"
OUT=/work/start26-work/prof1m-new JFR=1 HIST=1 JFC=/work/start26-work/bin/alloc.jfc INPLACE=1 bin/probe.sh /work/start26-work/@ 1 /work/start26-work/new.jar
echo "hold until $(date -u +%T), load $(cat /proc/loadavg)"
