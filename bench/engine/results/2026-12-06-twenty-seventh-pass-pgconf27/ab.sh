#!/usr/bin/env bash
# pgconf27: runs of ORDER (spec = jar[+variant]) in one bench-lock hold (call as: benchlock -x ab.sh). Each run: a fresh
# copy of counts25's vacuumed seed (30k x 1,000), -XX:MaxTenuringThreshold=1, log_checkpoints on.
# MODE=batch: STEPS=ingest INGEST_MODES=batch (DURATION s after 5 s warm-up); MODE=single: INGEST_MODES=single.
# variants (postgresql.auto.conf of the copy; the server's command line from Shoal wins over it):
#   ckpt   max_wal_size 8GB, checkpoint_timeout 30min      walc   wal_compression on
#   wbuf   wal_buffers 64MB                                 toast  the seed with toast_tuple_target 8160 on the 3 tables
#   all    ckpt + walc + wbuf + toast; combinations with '.': ckpt.wbuf
set -u
J=/work/pgconf27-work
cd $J/benchroot
W=$J/ab/bw
mkdir -p $J/ab/logs $W
MODE=${MODE:-batch}
for spec in ${ORDER:-base base+ckpt}; do
  side=${spec%%+*}; variant=${spec#*+}; [ "$variant" = "$spec" ] && variant=
  seed=/work/counts25-work/seed; PGCONF=""
  for v in ${variant//./ }; do
    case "$v" in
      ckpt) PGCONF+="max_wal_size = 8GB\ncheckpoint_timeout = 30min\n" ;;
      walc) PGCONF+="wal_compression = on\n" ;;
      wbuf) PGCONF+="wal_buffers = 64MB\n" ;;
      toast) seed=$J/seed-toast ;;
      all) PGCONF+="max_wal_size = 8GB\ncheckpoint_timeout = 30min\nwal_compression = on\nwal_buffers = 64MB\n"; seed=$J/seed-toast ;;
      *) echo "unknown variant $v"; exit 2 ;;
    esac
  done
  rm -rf $W/data-small && cp -a $seed $W/data-small && rm -f $W/data-small/pg/postmaster.pid
  { echo "log_checkpoints = on"; echo -ne "$PGCONF"; } >> $W/data-small/pg/postgresql.auto.conf
  sync
  tag=$side${variant:+-$variant}-$MODE-$(date -u +%H%M%S)
  echo "=== $spec ($MODE seed=$seed) $(date -u +%H:%M:%S) load: $(cat /proc/loadavg)" | tee -a $J/ab/logs/ab.log
  env JAVA_OPTS=-XX:MaxTenuringThreshold=1 STEPS=ingest INGEST_MODES=$MODE CUSTOMERS=30000 SEGMENTS=1000 RUNS=1 PROFILE=0 \
    DURATION=${DURATION:-20} QUIET_MAX=0 WORK_DIR=$W JAR=$J/jars/$side.jar bench/engine/run.sh --skip-build --reuse-data > $J/ab/logs/run-$tag.log 2>&1
  res=$(ls -td $W/results/2026* | head -1)
  echo "$spec $res end $(date -u +%H:%M:%S) load: $(cat /proc/loadavg)" >> $J/ab/logs/ab.log
  grep -E "^ingest" $res/raw.tsv | sed "s/^/$spec\t/" | cut -c1-760 | tee -a $J/ab/logs/ab.log
  for f in $res/pg-top-*.txt $res/pg-wal-*.txt; do [ -f "$f" ] && cp $f $J/ab/logs/$tag-$(basename $f); done
  grep -h 'checkpoint' $W/data-small/pg/log/* 2>/dev/null | tail -8 > $J/ab/logs/$tag-ckpt.txt
  du -sm $W/data-small/pg/pg_wal | tee -a $J/ab/logs/ab.log   # pg_wal after the run
done
rm -rf $W/data-small
echo "=== done $(date -u +%H:%M:%S)" >> $J/ab/logs/ab.log
