#!/bin/bash
# serve.sh NAME JAR DATA PORT [JAVA_EXTRA]: start JAR on PORT (PostgreSQL on PORT+2) with its data dir DATA (my own
# copies only), wait until ready; pid in runs/NAME.pid, log runs/NAME.log. Env passes through (SHOAL_PG_POOL_SIZE...).
set -e
name=$1 jar=$2 data=$3 port=$4 extra=$5; R=/work/lists32-work/runs; mkdir -p $R
cp $jar $R/$name.jar
T0=$(date +%s)
SHOAL_HTTP_HOST=127.0.0.1 SHOAL_HTTP_PORT=$port SHOAL_DATA_DIR=$data SHOAL_EMBEDDED_PG_PORT=$((port+2)) SHOAL_PG_URL= SHOAL_ADMIN_KEY= \
  setsid java -XX:MaxTenuringThreshold=1 $extra -jar $R/$name.jar > $R/$name.log 2>&1 < /dev/null &
echo $! > $R/$name.pid
for _ in $(seq 2400); do curl -sf -m 10 -o /dev/null "http://127.0.0.1:$port/health/ready" && break; kill -0 $(cat $R/$name.pid) || { echo died; exit 1; }; sleep 0.5; done
echo "$name ready after $(( $(date +%s) - T0 )) s"
