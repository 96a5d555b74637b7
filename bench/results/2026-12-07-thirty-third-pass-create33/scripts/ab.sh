#!/usr/bin/env bash
# ab.sh RESULTS_DIR (create33): three servers on their own copies of the 1M seed, started at once with the README's
# JVM flags: base = BASEJAR on d-base (19040), new = NEWJAR on d-new (19050), lean = LEANJAR on d-b2 (19060);
# WARM rounds of warm-up at 64 connections, PROFILE=1: pg_stat_statements (track_planning) + pg_stat_wal per side
# (profile.sh, 12 s at 64 connections; JFR=0 leaves JFR off), then create-cpu3.py (bench/create-cpu.py with order
# a b c c b a / c b a a b c) at 64 and 8 connections, ROUNDS each; WAL per create; stops every server.
# Run under benchlock -x.
set -uo pipefail
W=/work/create33-work; R=$(realpath -m $1); mkdir -p $R; MODE=${MODE:-create}
trap 'kill $(cat $W/run/base.pid) $(cat $W/run/new.pid) $(cat $W/run/lean.pid) 2>/dev/null || true; sleep 10' EXIT
cat /proc/loadavg > $R/load-start.txt
echo "base $BASEJAR / new $NEWJAR / lean $LEANJAR" > $R/sides.txt
JAVA_OPTS="" $W/scripts/start.sh base $BASEJAR 19040 &
JAVA_OPTS="" $W/scripts/start.sh new $NEWJAR 19050 &
JAVA_OPTS="" DATA=d-b2 $W/scripts/start.sh lean $LEANJAR 19060 &
wait
for p in 19040 19050 19060; do curl -sf -m 5 -o /dev/null http://127.0.0.1:$p/health/ready || { echo "$p not ready"; exit 1; }; done
SEED=/work/lead32-work/bench/data/bench-seed
SIDES="base:19040:19042 new:19050:19052 lean:19060:19062"
python3 $W/scripts/create-cpu3.py $SEED 10 64 ${WARM:-2} $SIDES $MODE > $R/warmup.tsv
cat $R/warmup.tsv
if [ "${PROFILE:-1}" = 1 ]; then
  for s in base:19040 new:19050 lean:19060; do $W/scripts/profile.sh ${s#*:} 64 12 $R/profile-${s%%:*} $MODE; done
fi
cat /proc/loadavg > $R/load-measure.txt
lsn() { for p in 19042 19052 19062; do PGPASSWORD=postgres psql -w -h 127.0.0.1 -p $p -U postgres -XAtc "SELECT $p, pg_current_wal_lsn(), (SELECT count(*) FROM customers), (SELECT count(*) FROM customer_eval_state)"; done; }
lsn > $R/lsn-start.txt
python3 $W/scripts/create-cpu3.py $SEED 10 64 ${ROUNDS:-1} $SIDES $MODE | tee $R/create-c64.tsv
[ "${C8:-1}" = 1 ] && python3 $W/scripts/create-cpu3.py $SEED 10 8 ${ROUNDS:-1} $SIDES $MODE | tee $R/create-c8.tsv
lsn > $R/lsn-end.txt
cat /proc/loadavg > $R/load-end.txt
