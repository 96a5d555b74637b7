#!/bin/bash
# start.sh SIDE JAR PORT [JAVA_OPTS...]: Shoal on /work/lists22-work/data-SIDE, PG on PORT+2
side=$1 jar=$2 port=$3; shift 3
cd /work/lists22-work
SHOAL_HTTP_HOST=127.0.0.1 SHOAL_HTTP_PORT=$port SHOAL_DATA_DIR=/work/lists22-work/data-$side \
  SHOAL_EMBEDDED_PG_PORT=$((port + 2)) SHOAL_PG_URL= SHOAL_ADMIN_KEY= \
  setsid java "$@" -jar $jar >logs/$side.log 2>&1 < /dev/null &
echo $! > $side.pid
for i in $(seq 1200); do curl -sf -m 10 -o /dev/null "http://127.0.0.1:$port/health/ready" && { echo "ready after $i x 0.5s"; exit 0; }; sleep 0.5; done
echo not ready; exit 1
