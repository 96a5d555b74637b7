#!/usr/bin/env bash
# pgconf27: kill -9 of Shoal and its embedded PostgreSQL after KILL_AFTER s of batch load, then PostgreSQL's crash
# recovery alone (pg_ctl as postgres), timed. Call inside benchlock -x: crash.sh SPEC (spec as in ab.sh: base+ckpt)
set -u
J=/work/pgconf27-work
cd $J/benchroot
W=$J/crash/w; mkdir -p $W $J/crash/logs
spec=$1; side=${spec%%+*}; variant=${spec#*+}; [ "$variant" = "$spec" ] && variant=
PGCONF=""; [ "$variant" = ckpt ] && PGCONF="max_wal_size = 8GB\ncheckpoint_timeout = 30min\n"
rm -rf $W/data-small && cp -a /work/counts25-work/seed $W/data-small && rm -f $W/data-small/pg/postmaster.pid
{ echo "log_checkpoints = on"; echo -ne "$PGCONF"; } >> $W/data-small/pg/postgresql.auto.conf
sync
tag=$spec-$(date -u +%H%M%S)
echo "=== crash $spec $(date -u +%H:%M:%S) load: $(cat /proc/loadavg)" | tee -a $J/crash/logs/crash.log
env JAVA_OPTS=-XX:MaxTenuringThreshold=1 STEPS=ingest INGEST_MODES=batch CUSTOMERS=30000 SEGMENTS=1000 RUNS=1 PROFILE=0 \
  DURATION=300 QUIET_MAX=0 WORK_DIR=$W JAR=$J/jars/$side.jar bench/engine/run.sh --skip-build --reuse-data > $J/crash/logs/run-$tag.log 2>&1 &
RUNPID=$!
until grep -q 'wrk -t' $J/crash/logs/run-$tag.log; do sleep 1; kill -0 $RUNPID 2>/dev/null || { echo "run.sh ended early"; exit 1; }; done
sleep ${KILL_AFTER:-100}
pm=$(head -1 $W/data-small/pg/postmaster.pid)
jv=$(pgrep -f -- "-jar $J/jars/$side.jar" | head -1)   # found nothing in the one run (run.sh starts a copy of the jar): the JVM got SIGTERM 2 s after PostgreSQL's kill -9
kids=$(pgrep -P $pm | tr '\n' ' ')
du -sm $W/data-small/pg/pg_wal | sed 's/^/pg_wal MB at kill: /' | tee -a $J/crash/logs/crash.log
echo "kill -9 java $jv postmaster $pm children $kids at $(date -u +%H:%M:%S)" | tee -a $J/crash/logs/crash.log
kill -9 $jv $pm $kids
desc() { for c in $(pgrep -P $1); do echo $c; desc $c; done; }
sleep 2; d=$(desc $RUNPID | tr '\n' ' '); kill $RUNPID $d 2>/dev/null; wait $RUNPID 2>/dev/null
sleep 1
B=$(ls -d /tmp/embedded-pg/PG-*/bin | head -1)
rm -f $W/data-small/pg/postmaster.pid
chown -R postgres:postgres $W/data-small/pg; chmod 777 $J/crash/logs
t0=$(date +%s.%N)
runuser -u postgres -- $B/pg_ctl -D $W/data-small/pg -l $J/crash/logs/recovery-$tag.log -t 1200 -w \
  -o "-p 55992 -k /tmp -c listen_addresses=127.0.0.1 -c shared_buffers=256MB -c fsync=on -c max_connections=300" start
t1=$(date +%s.%N)
echo "recovery to ready: $(echo "$t1 - $t0" | bc) s  load: $(cat /proc/loadavg)" | tee -a $J/crash/logs/crash.log
grep -E 'redo|checkpoint|ready' $J/crash/logs/recovery-$tag.log | tee -a $J/crash/logs/crash.log
runuser -u postgres -- $B/pg_ctl -D $W/data-small/pg -m fast -w stop
rm -rf $W/data-small
