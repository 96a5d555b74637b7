#!/usr/bin/env bash
# steady30: latency runs of ORDER (side names; sides/<name> sets JARNAME, XOPTS, PGDIAG, SAMPLE) in one bench-lock hold
# (call as: benchlock -x ab.sh). steady29's ab.sh with this helper's paths: each run a fresh copy of counts25's vacuumed
# 30k x 1,000 seed, track_commit_timestamp on, -XX:MaxTenuringThreshold=1 plus a GC log; STEPS=latency at RATES in turn
# on one server, DUR s each of which 10 s warm-up. PGDIAG=1: PostgreSQL logs statements over 20 ms, lock waits over
# 20 ms, every autovacuum, checkpoints, WAL sync times (logging collector into the copy's pg/log). SAMPLE=1:
# pg_stat_activity every 20 ms and disk/dirty pages every 100 ms (Sampler.java).
set -u
S=/work/steady30-work
cd $S/benchroot
J=$S/ab
W=$J/bw
mkdir -p $J/logs $J/events $J/pglogs $J/samples $W
SEEDDIR=${SEEDDIR:-/work/counts25-work/seed}
for side in ${ORDER:-base}; do
  rm -rf $W/data-small
  pre=$(ls -d $S/copies/c* 2>/dev/null | grep -v tmp | head -1)
  if [ -n "$pre" ]; then mv $pre $W/data-small; else cp -a $SEEDDIR $W/data-small; fi
  rm -f $W/data-small/pg/postmaster.pid
  echo "track_commit_timestamp = on" >> $W/data-small/pg/postgresql.auto.conf
  JARNAME=base; XOPTS=""; PGDIAG=0; SAMPLE=0
  [ -f $S/sides/$side ] && . $S/sides/$side
  if [ "$PGDIAG" = 1 ]; then
    cat >> $W/data-small/pg/postgresql.auto.conf <<'CONF'
logging_collector = on
log_directory = 'log'
log_line_prefix = '%m [%p] %a %b '
log_min_duration_statement = 20
log_lock_waits = on
deadlock_timeout = 20ms
log_autovacuum_min_duration = 0
log_checkpoints = on
track_wal_io_timing = on
track_io_timing = on
CONF
  fi
  sync
  tag=$side-$(date -u +%H%M%S)
  PGP=$((20000 + RANDOM % 10000))
  rm -f $J/stop-$tag
  if [ "$SAMPLE" = 1 ]; then
    java -cp $S/jars/base.jar $S/Sampler.java $PGP $J/samples/$tag.txt 20 $J/stop-$tag > $J/logs/sampler-$tag.log 2>&1 &
  fi
  echo "=== $side (lat ${RATES:-1000 1500} dur=${DUR:-40} jar=$JARNAME xopts=$XOPTS pgdiag=$PGDIAG sample=$SAMPLE) $(date -u +%H:%M:%S) load: $(cat /proc/loadavg)" | tee -a $J/logs/ab.log
  PG_PORT=$PGP EVENTS_OUT=$J/events/$tag.tsv JAVA_OPTS="-XX:MaxTenuringThreshold=1 -Xlog:gc*:file=$J/logs/gc-$tag.log:utctime,uptime,tags $XOPTS" STEPS=latency LAT_RATES="${RATES:-1000 1500}" LAT_DURATION=${DUR:-40} \
    LAT_WARMUP=10 CUSTOMERS=30000 SEGMENTS=1000 RUNS=1 PROFILE=${PROFILE:-0} QUIET_MAX=0 WORK_DIR=$W JAR=$S/jars/$JARNAME.jar \
    bench/engine/run.sh --skip-build --reuse-data > $J/logs/run-$tag.log 2>&1
  touch $J/stop-$tag
  res=$(ls -td $W/results/2026* | head -1)
  echo "$side $res end $(date -u +%H:%M:%S) load: $(cat /proc/loadavg)" >> $J/logs/ab.log
  grep -E "^(latency|ingest)" $res/raw.tsv | cut -c1-600 >> $J/logs/ab.log
  echo "$side blocked warnings: $(grep -c 'has been blocked' $res/shoal-*.log | tr '\n' ' ')" >> $J/logs/ab.log
  for f in $res/pg-top-*.txt $res/pg-wal-*.txt; do [ -f "$f" ] && cp $f $J/logs/$tag-$(basename $f); done
  grep -h BATCHT $res/shoal-*.log > $J/logs/batcht-$tag.txt 2>/dev/null
  [ -s $J/logs/batcht-$tag.txt ] || rm -f $J/logs/batcht-$tag.txt
  [ -d $W/data-small/pg/log ] && cat $W/data-small/pg/log/* > $J/pglogs/$tag.log
  for f in $res/shoal-*.log; do cp $f $J/logs/$tag-$(basename $f); done
done
rm -rf $W/data-small
echo "=== done $(date -u +%H:%M:%S)" >> $J/logs/ab.log
