#!/usr/bin/env bash
# train-cds.sh JAR ARCHIVE: a dynamic AppCDS archive of the classes a start loads: JAR started on a fresh empty data dir
# with -XX:ArchiveClassesAtExit, waited for ready, a few API calls, then stopped (SIGTERM: the archive is written at exit).
set -u
JAR=$1 JSA=$2; D=/work/start28-work/cds-train; rm -rf $D; mkdir -p $D
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
http=$(port); pg=$(port)
SHOAL_HTTP_HOST=127.0.0.1 SHOAL_HTTP_PORT=$http SHOAL_DATA_DIR=$D SHOAL_EMBEDDED_PG_PORT=$pg SHOAL_ADMIN_KEY=bench-admin-key-0123456789 \
  java -XX:MaxTenuringThreshold=1 -XX:ArchiveClassesAtExit=$JSA -jar $JAR > $D.log 2>&1 &
PID=$!
until curl -m 5 -sf -o /dev/null "http://127.0.0.1:$http/health/ready"; do kill -0 $PID || exit 1; sleep 0.2; done
curl -s -m 5 -XPOST localhost:$http/v1/stores -H "Authorization: Bearer bench-admin-key-0123456789" -H 'Content-Type: application/json' -d '{"name":"T"}' | head -c 200; echo
sleep 2; kill $PID; wait $PID; ls -la $JSA; rm -rf $D
