#!/usr/bin/env bash
# ab2s.sh RESULTS_DIR (create34): two servers on their own copies of the 1M seed, started at once with the README's
# JVM flags: base = BASEJAR on d-base (19040), new = NEWJAR on $NEWDATA (default d-new, 19050, NEWOPTS);
# WARM warm-up rounds at 64 connections, then create-cpu3.py (order a b b a / b a a b) at 64 and 8 connections,
# ROUNDS each; LSNs and customers before/after; stops both servers. Run under benchlock -x.
set -uo pipefail
W=/work/create34-work; R=$(realpath -m $1); mkdir -p $R; MODE=${MODE:-create}
trap 'kill $(cat $W/run/base.pid) $(cat $W/run/new.pid) 2>/dev/null || true; sleep 8; for s in base new; do cp $W/run/$s.log $R/server-$s.log; done' EXIT
cat /proc/loadavg > $R/load-start.txt
echo "base $BASEJAR ${BASEOPTS:-} on d-base / new $NEWJAR ${NEWOPTS:-} on ${NEWDATA:-d-new}" > $R/sides.txt
JAVA_OPTS="${BASEOPTS:-}" $W/scripts/start.sh base $BASEJAR 19040 &
JAVA_OPTS="${NEWOPTS:-}" DATA=${NEWDATA:-d-new} $W/scripts/start.sh new $NEWJAR 19050 &
wait
for p in 19040 19050; do curl -sf -m 5 -o /dev/null http://127.0.0.1:$p/health/ready || { echo "$p not ready"; exit 1; }; done
SEED=/work/lead33-work/bench/data/bench-seed
SIDES="base:19040:19042 new:19050:19052"
python3 $W/scripts/create-cpu3.py $SEED 10 64 ${WARM:-2} $SIDES $MODE > $R/warmup.tsv
cat $R/warmup.tsv
lsn() { for p in 19042 19052; do PGPASSWORD=postgres psql -w -h 127.0.0.1 -p $p -U postgres -XAtc "SELECT $p, pg_current_wal_lsn(), (SELECT count(*) FROM customers)"; done; }
lsn > $R/lsn-start.txt
cat /proc/loadavg > $R/load-measure.txt
python3 $W/scripts/create-cpu3.py $SEED 10 64 ${ROUNDS:-2} $SIDES $MODE | tee $R/create-c64.tsv
python3 $W/scripts/create-cpu3.py $SEED 10 8 ${ROUNDS:-2} $SIDES $MODE | tee $R/create-c8.tsv
lsn > $R/lsn-end.txt
cat /proc/loadavg > $R/load-end.txt
