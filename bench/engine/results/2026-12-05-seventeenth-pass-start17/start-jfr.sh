#!/usr/bin/env bash
# start-jfr.sh JAR OUT_PREFIX: one start on a fresh copy with JFR; dumps at ready, then stops.
set -euo pipefail
JAR=$1 OUTP=$2
D=/work/start17-work/jfrdata; rm -rf $D; cp -a /work/lead16-work/data-small $D; rm -f $D/pg/postmaster.pid
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
http=$(port); pg=$(port); t0=$(date +%s%3N); uptime
SHOAL_HTTP_HOST=127.0.0.1 SHOAL_HTTP_PORT=$http SHOAL_DATA_DIR=$D SHOAL_EMBEDDED_PG_PORT=$pg \
  SHOAL_ADMIN_KEY=bench-admin-key-0123456789 java -XX:StartFlightRecording=settings=profile,name=s17 -jar "$JAR" >$OUTP.log 2>&1 &
PID=$!
until curl -sf -o /dev/null "http://127.0.0.1:$http/health/ready"; do
  kill -0 $PID 2>/dev/null || { tail -20 $OUTP.log; exit 1; }; sleep 0.1; done
t1=$(date +%s%3N); echo "ready $((t1-t0)) ms"
jcmd $PID JFR.dump name=s17 filename=$OUTP.jfr >/dev/null
awk '{printf "jvm cpu %.1f s\n", ($14+$15)/100}' /proc/$PID/stat
kill $PID; wait $PID 2>/dev/null || true
rm -rf $D
