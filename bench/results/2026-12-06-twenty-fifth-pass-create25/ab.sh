#!/usr/bin/env bash
# ab.sh RESULTS_DIR : base (18940) and new (18950) on fresh copies made by prep.sh; BASEJAR/NEWJAR (jars under
# /work/create25-work/jars), BASEOPTS/NEWOPTS extra JVM options per side; WARM rounds of warm-up (4 x 10 s at 64),
# PROFILE=1: pg_stat_statements (track_planning), pg_stat_wal and JFR of each side (profile.sh);
# then bench/create-cpu.py at 64 and 8 connections (ROUNDS each), WAL per create; stops both servers. Run under benchlock -x.
set -uo pipefail
W=/work/create25-work; R=$(realpath -m $1); mkdir -p $R
export JAVA_OPTS="${JAVA_OPTS:--XX:MaxTenuringThreshold=1}"
trap 'kill $(cat $W/run/base.pid) $(cat $W/run/new.pid) 2>/dev/null || true; sleep 5' EXIT
cat /proc/loadavg > $R/load-start.txt
echo "base $BASEJAR ${BASEOPTS:-} / new $NEWJAR ${NEWOPTS:-}" > $R/sides.txt
cd $W
JAVA_OPTS="$JAVA_OPTS ${BASEOPTS:-}" scripts/start.sh base $W/jars/$BASEJAR 18940 || exit 1
JAVA_OPTS="$JAVA_OPTS ${NEWOPTS:-}" scripts/start.sh new $W/jars/$NEWJAR 18950 || exit 1
cd /work/wt/create25
SEED=/work/search24-work/seed/data/bench-seed
python3 bench/create-cpu.py $SEED 10 64 ${WARM:-2} base:18940:18942 new:18950:18952 create_short > $R/warmup.tsv
cat $R/warmup.tsv
if [ "${PROFILE:-1}" = 1 ]; then
  $W/scripts/profile.sh 18940 64 12 $R/profile-base create_short
  $W/scripts/profile.sh 18950 64 12 $R/profile-new create_short
fi
cat /proc/loadavg > $R/load-measure.txt
lsn() { for p in 18942 18952; do PGPASSWORD=postgres psql -w -h 127.0.0.1 -p $p -U postgres -XAtc "SELECT $p, pg_current_wal_lsn(), (SELECT count(*) FROM customers)"; done; }
lsn > $R/lsn-start.txt
python3 bench/create-cpu.py $SEED 10 64 ${ROUNDS:-2} base:18940:18942 new:18950:18952 create_short | tee $R/create-c64.tsv
python3 bench/create-cpu.py $SEED 10 8 ${ROUNDS:-2} base:18940:18942 new:18950:18952 create_short | tee $R/create-c8.tsv
lsn > $R/lsn-end.txt
cat /proc/loadavg > $R/load-end.txt
