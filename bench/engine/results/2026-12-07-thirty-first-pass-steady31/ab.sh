#!/usr/bin/env bash
# steady31: latency runs of ORDER (side names; sides/<name> sets JARNAME, XOPTS, PGDIAG, EXPLAIN) in one bench-lock hold
# (call as: benchlock -x ab.sh). steady30's ab.sh with this helper's paths: each run a fresh copy of counts25's vacuumed
# 30k x 1,000 seed, track_commit_timestamp on, -XX:MaxTenuringThreshold=1 plus a GC log; STEPS=latency at RATES in turn
# on one server, DUR s each of which 10 s warm-up. run.sh (benchroot) also writes pg-io-latency.txt (per statement:
# buffers, WAL records, full-page images, WAL bytes) and pg-tables-latency.txt. EXPLAIN=1: auto_explain logs
# EXPLAIN (ANALYZE, BUFFERS, WAL) of a sample (EXPLAIN_RATE, default 0.03) of the statements as they run (their own plans,
# generic or custom, with the batch's real parameters) into the copy's pg/log.
set -u
S=/work/steady31-work
cd $S/benchroot
J=$S/ab
W=$J/bw
mkdir -p $J/logs $J/events $J/pglogs $W
SEEDDIR=${SEEDDIR:-/work/counts25-work/seed}
for side in ${ORDER:-base}; do
  rm -rf $W/data-small
  pre=$(ls -d $S/copies/c* 2>/dev/null | grep -v tmp | head -1)
  if [ -n "$pre" ]; then mv $pre $W/data-small; else cp -a $SEEDDIR $W/data-small; fi
  rm -f $W/data-small/pg/postmaster.pid
  echo "track_commit_timestamp = on" >> $W/data-small/pg/postgresql.auto.conf
  JARNAME=$side; XOPTS=""; PGDIAG=0; EXPLAIN=0; EXTRACONF=""
  [ -f $S/sides/$side ] && . $S/sides/$side
  if [ "$PGDIAG" = 1 ] || [ "$EXPLAIN" = 1 ]; then
    cat >> $W/data-small/pg/postgresql.auto.conf <<'CONF'
logging_collector = on
log_directory = 'log'
log_line_prefix = '%m [%p] %a %b '
log_autovacuum_min_duration = 0
log_checkpoints = on
CONF
  fi
  if [ "$EXPLAIN" = 1 ]; then
    cat >> $W/data-small/pg/postgresql.auto.conf <<CONF
shared_preload_libraries = 'pg_stat_statements,auto_explain'
auto_explain.log_min_duration = 0
auto_explain.log_analyze = on
auto_explain.log_buffers = on
auto_explain.log_wal = on
auto_explain.log_timing = on
auto_explain.log_verbose = off
auto_explain.sample_rate = ${EXPLAIN_RATE:-0.03}
CONF
  fi
  [ -n "${EXTRACONF:-}" ] && printf '%b\n' "$EXTRACONF" >> $W/data-small/pg/postgresql.auto.conf
  sync
  tag=$side-$(date -u +%H%M%S)
  PGP=$((20000 + RANDOM % 10000))
  echo "=== $side (lat ${RATES:-1000 1500} dur=${DUR:-40} jar=$JARNAME xopts=$XOPTS pgdiag=$PGDIAG explain=$EXPLAIN) $(date -u +%H:%M:%S) load: $(cat /proc/loadavg)" | tee -a $J/logs/ab.log
  PG_PORT=$PGP JAVA_OPTS="-XX:MaxTenuringThreshold=1 -Xlog:gc*:file=$J/logs/gc-$tag.log:utctime,uptime,tags $XOPTS" STEPS=latency LAT_RATES="${RATES:-1000 1500}" LAT_DURATION=${DUR:-40} \
    LAT_WARMUP=10 CUSTOMERS=30000 SEGMENTS=1000 RUNS=1 PROFILE=0 QUIET_MAX=0 WORK_DIR=$W JAR=$S/jars/$JARNAME.jar \
    bench/engine/run.sh --skip-build --reuse-data > $J/logs/run-$tag.log 2>&1
  res=$(ls -td $W/results/2026* | head -1)
  echo "$side $res end $(date -u +%H:%M:%S) load: $(cat /proc/loadavg)" >> $J/logs/ab.log
  grep -E "^(latency|ingest)" $res/raw.tsv | cut -c1-600 >> $J/logs/ab.log
  echo "$side blocked warnings: $(grep -c 'has been blocked' $res/shoal-*.log | tr '\n' ' ')" >> $J/logs/ab.log
  for f in $res/pg-top-*.txt $res/pg-wal-*.txt $res/pg-io-*.txt $res/pg-tables-*.txt; do [ -f "$f" ] && cp $f $J/logs/$tag-$(basename $f); done
  [ -d $W/data-small/pg/log ] && cat $W/data-small/pg/log/* > $J/pglogs/$tag.log
  for f in $res/shoal-*.log; do cp $f $J/logs/$tag-$(basename $f); done
done
rm -rf $W/data-small
echo "=== done $(date -u +%H:%M:%S)" >> $J/logs/ab.log
