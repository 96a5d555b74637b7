#!/usr/bin/env bash
# ingest25: run.sh STEPS=ingest INGEST_MODES=single at 30k x 1,000 on a fresh copy of the (vacuumed) seed.
# Usage: run-single.sh LABEL JAR [PROFILE=0|1] ; to be run inside benchlock -x
set -u
label=$1; jar=$2; prof=${3:-0}
W=/work/ingest25-work/rw
cd /work/wt/ingest25
rm -rf $W/data-small && cp -a /work/ingest25-work/seed $W/data-small && rm -f $W/data-small/pg/postmaster.pid
sync
PGP=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
echo "=== $label $jar $(date -u +%H:%M:%S) load: $(cat /proc/loadavg)" | tee -a /work/ingest25-work/runs.log
# commits per second, sampled every 2 s (xact_commit, events' max seq)
( sleep 20; while :; do
    v=$(psql -X -q -At -F' ' "postgresql://postgres:postgres@127.0.0.1:$PGP/postgres" -c "SELECT (SELECT xact_commit FROM pg_stat_database WHERE datname='postgres'), (SELECT coalesce(max(seq),0) FROM events), pg_current_wal_lsn() - '0/0'::pg_lsn" 2>/dev/null) && echo "$(date +%s.%N) $v"
    sleep 2; done ) > /work/ingest25-work/commits-$label-$(date -u +%H%M%S).txt 2>/dev/null &
sampler=$!
PG_PORT=$PGP JAVA_OPTS=-XX:MaxTenuringThreshold=1 STEPS=ingest INGEST_MODES=single RUNS=${RUNS:-2} CUSTOMERS=30000 SEGMENTS=1000 \
  PROFILE=$prof QUIET_MAX=0 WORK_DIR=$W JAR=$jar bench/engine/run.sh --skip-build --reuse-data > /work/ingest25-work/run-$label-$(date -u +%H%M%S).log 2>&1
kill $sampler 2>/dev/null
res=$(ls -td $W/results/2026* | head -1)
echo "=== end $label $(date -u +%H:%M:%S) load: $(cat /proc/loadavg) $res" | tee -a /work/ingest25-work/runs.log
grep -E "^ingest" $res/raw.tsv | cut -c1-600 | tee -a /work/ingest25-work/runs.log
rm -rf $W/data-small
