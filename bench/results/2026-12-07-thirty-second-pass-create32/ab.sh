#!/usr/bin/env bash
# ab.sh RESULTS_DIR : base (18940) and new (18950) on fresh copies made by prep.sh; BASEJAR/NEWJAR (paths),
# BASEOPTS/NEWOPTS extra JVM options per side; WARM rounds of warm-up (4 x 10 s at 64 connections),
# PROFILE=1: pg_stat_statements (track_planning), pg_stat_wal and JFR of each side (profile.sh);
# then bench/create-cpu.py (MODE, default create = bench/run.sh's scenario) at 64 and 8 connections
# (ROUNDS each, C8=0 skips 8), WAL per create; stops both servers. Run under benchlock -x.
set -uo pipefail
W=/work/create32-work; R=$(realpath -m $1); mkdir -p $R; MODE=${MODE:-create}
trap 'kill $(cat $W/run/base.pid) $(cat $W/run/new.pid) 2>/dev/null || true; sleep 8' EXIT
cat /proc/loadavg > $R/load-start.txt
echo "base $BASEJAR ${BASEOPTS:-} / new $NEWJAR ${NEWOPTS:-}" > $R/sides.txt
JAVA_OPTS="${BASEOPTS:-}" $W/scripts/start.sh base $BASEJAR 18940 || exit 1
JAVA_OPTS="${NEWOPTS:-}" $W/scripts/start.sh new $NEWJAR 18950 || exit 1
cd /work/wt/create32
SEED=$W/bench/data/bench-seed
python3 bench/create-cpu.py $SEED 10 64 ${WARM:-2} base:18940:18942 new:18950:18952 $MODE > $R/warmup.tsv
cat $R/warmup.tsv
if [ "${PROFILE:-1}" = 1 ]; then
  $W/scripts/profile.sh 18940 64 12 $R/profile-base $MODE
  $W/scripts/profile.sh 18950 64 12 $R/profile-new $MODE
fi
cat /proc/loadavg > $R/load-measure.txt
lsn() { for p in 18942 18952; do PGPASSWORD=postgres psql -w -h 127.0.0.1 -p $p -U postgres -XAtc "SELECT $p, pg_current_wal_lsn(), (SELECT count(*) FROM customers)"; done; }
lsn > $R/lsn-start.txt
python3 bench/create-cpu.py $SEED 10 64 ${ROUNDS:-2} base:18940:18942 new:18950:18952 $MODE | tee $R/create-c64.tsv
[ "${C8:-1}" = 1 ] && python3 bench/create-cpu.py $SEED 10 8 ${ROUNDS:-2} base:18940:18942 new:18950:18952 $MODE | tee $R/create-c8.tsv
lsn > $R/lsn-end.txt
cat /proc/loadavg > $R/load-end.txt
