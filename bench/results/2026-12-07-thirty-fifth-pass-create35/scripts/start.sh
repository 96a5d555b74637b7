#!/usr/bin/env bash
# start.sh SIDE JAR PORT -- start JAR on /work/create35-work/SIDE/bench/data with the README's JVM flags (create34's)
set -euo pipefail
side=$1; jar=$2; port=$3
W=/work/create35-work
cp "$jar" $W/run/$side.jar
rm -f $W/$side/bench/data/pg/postmaster.pid
SHOAL_HTTP_HOST=127.0.0.1 SHOAL_HTTP_PORT=$port SHOAL_DATA_DIR=$W/$side/bench/data \
  SHOAL_EMBEDDED_PG_PORT=$((port + 2)) SHOAL_PG_URL= SHOAL_ADMIN_KEY= \
  nohup java -XX:MaxTenuringThreshold=1 -XX:+UseTransparentHugePages ${JAVA_OPTS:-} -jar $W/run/$side.jar >$W/run/$side.log 2>&1 &
echo $! > $W/run/$side.pid
for _ in $(seq 600); do kill -0 $(cat $W/run/$side.pid) 2>/dev/null || { echo "$side died"; exit 1; }; curl -sf -m 10 -o /dev/null "http://127.0.0.1:$port/health/ready" && { echo "ready $side pid $(cat $W/run/$side.pid)"; exit 0; }; sleep 0.5; done
echo "not ready"; exit 1
