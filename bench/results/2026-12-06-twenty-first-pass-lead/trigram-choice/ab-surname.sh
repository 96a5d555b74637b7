#!/bin/bash
cd /work/wt/lead21
uptime
WORK_DIR=/work/lead21-work/s1m CLASSES="search:surname" CONNS="64 8" \
  bench/search-1m.sh /work/lead21-work/jars/main-f9dd814.jar /work/lead21-work/jars/new-cost.jar 5 10
uptime
