#!/usr/bin/env bash
# hot36: after the without-V81 test run: build the new jar, make the seeds, two copies a side
set -u
W=/work/hot36-work
while [ ! -e /tmp/bash_jobs.0/4fc1d4beafc6/rc ]; do sleep 5; done
ls /work/wt/hot36/src/main/resources/db/migration/ | grep V81 || exit 1
cd /work/wt/hot36 && /work/notes/benchlock -s mvn -B -o -q package -DskipTests > $W/build-new.log 2>&1; echo "build rc=$?"
cp /work/wt/hot36/target/shoal.jar $W/new.jar
unzip -l $W/new.jar | grep V81
/work/notes/benchlock -s $W/tools/mkseeds.sh > $W/mkseeds.log 2>&1; echo "mkseeds rc=$?"
$W/tools/prep.sh base 2; $W/tools/prep.sh new 2
ls $W/copies
echo "chain1 done $(date -u +%T)"
