#!/bin/bash
# start.sh LABEL "SERVER_JAVA_OPTS" "SCENARIOS" [LIGHT_SCENARIOS]
# One start of the server on /work/gc36-work/LABEL/data (a fresh cp -a copy of lead33's 1M set), bench/run.sh with
# the given scenarios, a GC + safepoint log, PostgreSQL's slow statements / checkpoints / autovacuum logged,
# vmstat 1 and a real-time sleeper (gaps > 5 ms) beside it. Run under benchlock -x.
set -u
L=$1; OPTS=$2; SC=$3; LSC=${4:-$3}
W=/work/gc36-work/$L
mkdir -p $W/pglog
grep -q gc36 $W/data/pg/postgresql.auto.conf || cat >> $W/data/pg/postgresql.auto.conf <<EOC
# gc36 diagnostics
logging_collector = on
log_directory = '$W/pglog'
log_min_duration_statement = 50
log_checkpoints = on
log_autovacuum_min_duration = 0
log_line_prefix = '%m [%p] %a '
EOC
cd /work/wt/gc36
echo "start $(date -u +%H:%M:%S) $L main $(git -C /work/main rev-parse --short HEAD) opts: $OPTS" | tee $W/run.txt
vmstat -t 1 > $W/vmstat.txt & VM=$!
GP=
python3 /work/gc36-work/tools/tasks.py 900 $W/tasks.txt & TP=$!
SERVER_JAVA_OPTS="$OPTS -Xlog:gc*,safepoint:file=$W/gc.log:uptime,time,level,tags" \
  WORK_DIR=$W RUNS=${RUNS:-2} DURATION=${DURATION:-15} WARMUP=${WARMUP:-5} QUIET_MAX=0 PROBES=0 \
  SCENARIOS="$SC" LIGHT_SCENARIOS="$LSC" bench/run.sh --keep-data --skip-build 2> $W/run.log
rc=$?
kill $VM $TP; kill -INT $GP 2>/dev/null; sleep 0.5; kill $GP 2>/dev/null
echo "end $(date -u +%H:%M:%S) rc=$rc" | tee -a $W/run.txt
grep -E 'run [0-9]+:|ready|starting' $W/run.log | tail -40
