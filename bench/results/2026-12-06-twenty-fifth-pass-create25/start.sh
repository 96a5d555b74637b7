#!/usr/bin/env bash
# start.sh SIDE JAR PORT [fresh]  -- start JAR on /work/create24-work/d-SIDE (copied from the seed when fresh or absent)
set -euo pipefail
side=$1; jar=$2; port=$3; fresh=${4:-}
W=/work/create25-work; SRC=${SRC:-/work/search24-work/seed/data}
if [ -n "$fresh" ] || [ ! -d $W/d-$side${DSUF:-} ]; then rm -rf $W/d-$side${DSUF:-}; cp -a $SRC $W/d-$side${DSUF:-}; fi
cp "$jar" $W/run/$side.jar
SHOAL_HTTP_HOST=127.0.0.1 SHOAL_HTTP_PORT=$port SHOAL_DATA_DIR=$W/d-$side${DSUF:-} \
  SHOAL_EMBEDDED_PG_PORT=$((port + 2)) SHOAL_PG_URL= SHOAL_ADMIN_KEY= \
  nohup java ${JAVA_OPTS:-} -jar $W/run/$side.jar >$W/run/$side.log 2>&1 &
echo $! > $W/run/$side.pid
for _ in $(seq 1800); do curl -sf -m 10 -o /dev/null "http://127.0.0.1:$port/health/ready" && { echo "ready $side pid $(cat $W/run/$side.pid)"; exit 0; }; sleep 0.5; done
echo "not ready"; exit 1
