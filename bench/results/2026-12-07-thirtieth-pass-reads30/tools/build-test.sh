#!/bin/bash
# one shared hold: the branch's jar (copied to jars/$1.jar), then the tests of what it touches (log $2)
cd /work/wt/reads30
echo "build start $(date -u +%T) load $(cat /proc/loadavg)"
mvn -B -o -q package -DskipTests > /work/reads30-work/build-$1.log 2>&1 || { echo "build failed"; exit 1; }
cp target/shoal.jar /work/reads30-work/jars/$1.jar
echo "jar $1 $(git rev-parse --short HEAD)+worktree $(date -u +%T)"
# the side by side's new server on this jar from here on (round 1 ran new1.jar)
if [ "$1" = new2 ]; then (cd /work/reads30-work && tools/stop.sh new && tools/serve.sh new jars/new2.jar /work/reads30-work/seed-new 19370 && tools/warm.sh 19370 && echo warmed) > /work/reads30-work/restart-new2.out 2>&1 & fi
mvn -B -o test -Dtest="$3" > /work/reads30-work/$2 2>&1
echo "tests rc=$? $(date -u +%T)"
