#!/bin/bash
# One bench-lock hold: start base (main's jar) and new on copies of one data dir, ab.sh, stop both.
cd /work/lists22-work
grep -q "BUILD SUCCESS" test3.log && [ -s jars/new3.jar ] || { echo "no tested jar"; exit 1; }
[ $(date -u +%H%M) -ge 0722 ] && { echo "past 07:22, skipping"; exit 0; }
echo "start $(date -u +%T) $(uptime)"
./start.sh new /work/lists22-work/jars/new3.jar 18450 || exit 1
./start.sh base /work/lists22-work/jars/base.jar 18440 || exit 1
echo "ready $(date -u +%T) $(uptime)"
./ab.sh /work/lists22-work/ab1 2 8
for s in base new; do kill $(cat $s.pid); done
for s in base new; do for i in $(seq 60); do kill -0 $(cat $s.pid) 2>/dev/null || break; sleep 1; done; done
echo "end $(date -u +%T)"
