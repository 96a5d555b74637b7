#!/usr/bin/env bash
# staterows26: runs of ORDER (jar names in jars/) in one bench-lock hold (call as: benchlock -x ab.sh). Each run: a fresh
# copy of counts25's vacuumed seed (30k x 1,000; then sync), track_commit_timestamp on, pg_stat_statements.track_planning on,
# -XX:MaxTenuringThreshold=1. MODE=batch: STEPS=ingest INGEST_MODES=batch (20 s after 5 s warm-up).
# MODE=lat: STEPS=latency at RATES, 30 s of which 10 s warm-up. PG_PERF=1: perf of PostgreSQL in the batch run.
set -u
cd /work/staterows26-work/benchroot
J=/work/staterows26-work/ab
W=$J/bw
mkdir -p $J/logs $J/events $W
MODE=${MODE:-batch}
SEEDDIR=${SEEDDIR:-/work/counts25-work/seed}
for spec in ${ORDER:-base new}; do
  # spec: jar[+variant]; variant t8160 = the seed with toast_tuple_target 8160 on customer_eval_state,
  # ckpt = max_wal_size 4GB and checkpoint_timeout 15min in postgresql.auto.conf
  side=${spec%%+*}; variant=${spec#*+}; [ "$variant" = "$spec" ] && variant=
  seed=$SEEDDIR; PGCONF=
  case "$variant" in
    t8160) seed=/work/staterows26-work/seed-t8160 ;;
    ckpt) PGCONF="max_wal_size = 4GB\ncheckpoint_timeout = 15min" ;;
  esac
  rm -rf $W/data-small && cp -a $seed $W/data-small && rm -f $W/data-small/pg/postmaster.pid
  { echo "track_commit_timestamp = on"; echo "pg_stat_statements.track_planning = on"; echo "log_checkpoints = on"; } >> $W/data-small/pg/postgresql.auto.conf
  [ -n "${PGCONF:-}" ] && echo -e "$PGCONF" >> $W/data-small/pg/postgresql.auto.conf
  sync
  tag=$side${variant:+-$variant}-$MODE-$(date -u +%H%M%S)
  echo "=== $spec ($MODE ${RATES:-500 1000} seed=$seed pgconf=${PGCONF:-}) $(date -u +%H:%M:%S) load: $(cat /proc/loadavg)" | tee -a $J/logs/ab.log
  if [ "$MODE" = batch ]; then
    env PG_PERF=${PG_PERF:-0} JAVA_OPTS=-XX:MaxTenuringThreshold=1 STEPS=ingest INGEST_MODES=batch CUSTOMERS=30000 SEGMENTS=1000 RUNS=1 PROFILE=0 \
      QUIET_MAX=0 WORK_DIR=$W JAR=/work/staterows26-work/jars/$side.jar bench/engine/run.sh --skip-build --reuse-data > $J/logs/run-$tag.log 2>&1
  else
    env EVENTS_OUT=$J/events/$tag.tsv JAVA_OPTS=-XX:MaxTenuringThreshold=1 STEPS=latency LAT_RATES="${RATES:-500 1000}" LAT_DURATION=${DUR:-30} \
      LAT_WARMUP=10 CUSTOMERS=30000 SEGMENTS=1000 RUNS=1 PROFILE=0 QUIET_MAX=0 WORK_DIR=$W JAR=/work/staterows26-work/jars/$side.jar \
      bench/engine/run.sh --skip-build --reuse-data > $J/logs/run-$tag.log 2>&1
  fi
  res=$(ls -td $W/results/2026* | head -1)
  echo "$spec $res end $(date -u +%H:%M:%S) load: $(cat /proc/loadavg)" >> $J/logs/ab.log
  grep -E "^(latency|ingest)" $res/raw.tsv | cut -c1-700 >> $J/logs/ab.log
  for f in $res/pg-top-*.txt $res/pg-wal-*.txt $res/pg-perf-*.txt $res/pg-perf-children-*.txt; do [ -f "$f" ] && cp $f $J/logs/$tag-$(basename $f); done
  grep -h 'checkpoint' $W/data-small/pg/log/* $W/data-small/pg/*.log $W/*.log 2>/dev/null | tail -5 >> $J/logs/$tag-ckpt.txt
done
rm -rf $W/data-small
echo "=== done $(date -u +%H:%M:%S)" >> $J/logs/ab.log
