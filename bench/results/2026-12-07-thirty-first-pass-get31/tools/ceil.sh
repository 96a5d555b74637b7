#!/bin/bash
# ceil.sh start|stop JAR: the ceiling server on 19490 (2 instances), pid in runs/ceiling.pid
R=/work/get31-work/runs
if [ "$1" = start ]; then
  setsid java -cp $2 /work/get31-work/tools/CeilingServer.java 19490 2 > $R/ceiling.log 2>&1 < /dev/null &
  echo $! > $R/ceiling.pid
  for _ in $(seq 120); do curl -sf -o /dev/null http://127.0.0.1:19490/ceiling && break; sleep 0.5; done; echo ceiling up
else
  p=$(cat $R/ceiling.pid); kill $p; for _ in $(seq 60); do kill -0 $p 2>/dev/null || break; sleep 0.5; done; echo ceiling stopped
fi
