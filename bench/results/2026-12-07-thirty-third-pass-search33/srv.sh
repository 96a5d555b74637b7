#!/bin/bash
# srv.sh JAR HTTP_PORT PG_PORT DATA_DIR: Shoal on an external (hand-started) PostgreSQL
SHOAL_HTTP_HOST=127.0.0.1 SHOAL_HTTP_PORT=$2 SHOAL_DATA_DIR=$4 SHOAL_PG_URL=postgresql://postgres@127.0.0.1:$3/postgres SHOAL_ADMIN_KEY= \
  setsid java -XX:MaxTenuringThreshold=1 -jar $1 > /work/search33-work/srv-$2.log 2>&1 < /dev/null &
echo $! > /work/search33-work/srv-$2.pid
for _ in $(seq 600); do curl -sf -m 5 -o /dev/null "http://127.0.0.1:$2/health/ready" && break; sleep 0.5; done
echo ready $(date -u +%T)
