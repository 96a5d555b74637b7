#!/bin/bash
cd /work/wt/lead21
uptime
WORK_DIR=/work/lead21-work/s1m CLASSES="search:email search:phone search:surname search:common" CONNS="8 64" \
  bench/search-1m.sh /work/lead21-work/jars/main-f9dd814.jar /work/lead21-work/jars/new-cost.jar 3 10
uptime
