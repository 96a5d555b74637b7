#!/usr/bin/env bash
# One diagnostic run (stall24): fresh copy of the seed, PostgreSQL logging (checkpoints, autovacuum, statements
# over 50 ms), GC log, JFR (profile settings), the event-loop lag probe (diag.jar), pg_stat_activity sampled every
# 100 ms, vmstat 1, per-event output of LatencyLoad. Usage: JARN=diag RATE=1000 DUR=60 TAG=x diag.sh
set -u
cd /work/wt/stall24
JARN=${JARN:-diag}; RATE=${RATE:-1000}; DUR=${DUR:-60}; TAG=${TAG:-$JARN-$RATE}
D=/work/stall24-work/diag/$TAG-$(date -u +%H%M%S); mkdir -p $D
W=/work/stall24-work/w-diag; rm -rf $W; mkdir -p $W
cp -a /work/stall24-work/seed $W/data-small && rm -f $W/data-small/pg/postmaster.pid
cat >> $W/data-small/pg/postgresql.auto.conf <<CONF
track_commit_timestamp = on
log_checkpoints = on
log_autovacuum_min_duration = 0
log_min_duration_statement = ${LMDS:-50}
log_lock_waits = on
log_temp_files = 0
logging_collector = on
log_directory = 'log'
log_line_prefix = '%m [%p] %a '
CONF
PGP=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
/work/notes/benchlock -x bash -c "
  echo \"=== $TAG \$(date -u +%H:%M:%S) load: \$(cat /proc/loadavg)\" | tee -a /work/stall24-work/diag/log.txt
  ( for i in \$(seq 600); do psql -X -q -At postgresql://postgres:postgres@127.0.0.1:$PGP/postgres -c 'select 1' >/dev/null 2>&1 && break; sleep 1; done
    while ! grep -q 'latency run' $W/results/*/run.log 2>/dev/null; do sleep 0.5; done
    psql -X -q -At -F '|' postgresql://postgres:postgres@127.0.0.1:$PGP/postgres >$D/activity.txt 2>&1 <<'SQL'
SELECT to_char(clock_timestamp(),'HH24:MI:SS.MS'), pid, backend_type, state, wait_event_type, wait_event, round(extract(epoch from clock_timestamp()-xact_start)*1000), round(extract(epoch from clock_timestamp()-query_start)*1000), left(regexp_replace(query,'\s+',' ','g'),70) FROM pg_stat_activity WHERE pid<>pg_backend_pid() AND (state IS NULL OR state<>'idle') AND backend_type NOT IN ('archiver','logical replication launcher') \watch 0.1
SQL
  ) & SAMP=\$!
  vmstat -t 1 > $D/vmstat.txt & VM=\$!
  SHOAL_LAG_PROBE_MS=20 EVENTS_OUT=$D/events.tsv PG_PORT=$PGP \
  JAVA_OPTS=\"-XX:MaxTenuringThreshold=1 -Xlog:gc*,safepoint:file=$D/gc.log:time,uptime ${JFR:+-XX:StartFlightRecording=settings=profile,filename=$D/rec.jfr,dumponexit=true}\" \
    STEPS=latency LAT_RATES=$RATE LAT_DURATION=$DUR LAT_WARMUP=10 CUSTOMERS=30000 SEGMENTS=1000 RUNS=1 PROFILE=0 QUIET_MAX=0 \
    WORK_DIR=$W JAR=/work/stall24-work/jars/$JARN.jar bench/engine/run.sh --skip-build --reuse-data > $D/run.out 2>&1
  kill \$VM; pkill -P \$SAMP psql; kill \$SAMP 2>/dev/null
  echo \"=== end $TAG \$(date -u +%H:%M:%S) load: \$(cat /proc/loadavg)\" | tee -a /work/stall24-work/diag/log.txt
"
res=$(ls -td $W/results/2026* | head -1)
cp $res/* $D/ 2>/dev/null; cp -r $W/data-small/pg/log $D/pglog
grep -E '^latency' $res/raw.tsv | cut -c1-400 >> /work/stall24-work/diag/log.txt
echo $D
