#!/bin/bash
# one exclusive hold: main's jar twice, the profile cache on (default, "base") and off (SHOAL_CUSTOMER_CACHE_BYTES=0,
# "new"); pages of customers nobody read before (300,000 random 45-minute created windows) and the bench's repeated lists
cd /work/search27-work
date -u +%T; cat /proc/loadavg
NEW_JAR=/work/search27-work/jars/base-7f6d84b.jar NEW_ENV="SHOAL_CUSTOMER_CACHE_BYTES=0" \
  tools/ab.sh c0 3 10 "path:/work/search27-work/cold-windows.txt list:created list:tags" "64"
date -u +%T
