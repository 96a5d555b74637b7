#!/bin/bash
# base = main 121ada2 (shared_buffers 256 MB) vs new (default: a quarter of what the heap leaves), 1M seed copy
cd /work/wt/lead22
uptime
rm -rf /work/lead22-work/s1m/data && cp -a /work/lead19-work/bw/data /work/lead22-work/s1m/data
WORK_DIR=/work/lead22-work/s1m CLASSES="${CLASSES:-search:email search:surname list:tags list:metadata}" CONNS="8 64" \
  bench/search-1m.sh /work/lead22-work/jars/main-121ada2.jar /work/lead22-work/jars/new-sb.jar ${ROUNDS:-3} 10
uptime
