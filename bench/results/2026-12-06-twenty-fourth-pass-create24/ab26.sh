#!/usr/bin/env bash
# ab25.sh RESULTS_DIR : base (18740) and new (18750) on fresh copies (prep.sh), WARM rounds of warm-up, then
# (PROFILE=1) pg_stat_statements + JFR of each side and perf of every process, then create-cpu.py at 64 and 8 connections
# (ROUNDS, default 2), WAL per create; stops both servers at the end. Run under benchlock -x.
set -uo pipefail
W=/work/create24-work; R=$1; mkdir -p $R
export JAVA_OPTS="${JAVA_OPTS:--XX:MaxTenuringThreshold=1}"
trap 'kill $(cat $W/run/base.pid) $(cat $W/run/new.pid) 2>/dev/null || true' EXIT
cat /proc/loadavg > $R/load-start.txt
cd $W
JAVA_OPTS="$JAVA_OPTS -Dshoal.experiment.createLanes=${BASELANES:-4}" ./start.sh base $W/jars/new-3-lanes.jar 18740 || exit 1
JAVA_OPTS="$JAVA_OPTS -Dshoal.experiment.createLanes=${NEWLANES:-2}" ./start.sh new $W/jars/new-3-lanes.jar 18750 || exit 1
cd /work/wt/create24
SEED=$W/seed/data/bench-seed
python3 bench/create-cpu.py $SEED 10 64 ${WARM:-2} base:18740:18742 new:18750:18752 create_short > $R/warmup.tsv
cat $R/warmup.tsv
if [ "${PROFILE:-1}" = 1 ]; then
  $W/profile.sh 18740 64 12 $R/profile-base create_short
  $W/profile.sh 18750 64 12 $R/profile-new create_short
  . <(grep = $SEED/store.env | sed 's/^/export /')
  [ "${PERF:-0}" = 1 ] && for side in base:18740 new:18750; do
    n=${side%%:*}; port=${side#*:}
    ( wrk -t2 -c64 -d8s --timeout 10s -s /work/wt/create24/bench/wrk/shoal.lua http://127.0.0.1:$port -- create_short $STORE_ID $API_KEY > $R/perf-$n-wrk.txt ) &
    sleep 2
    perf record -F 199 -a --call-graph dwarf,16384 -o $W/perf-$n.data -- sleep 5 2> $R/perf-$n.log || true
    wait
  done
fi
cat /proc/loadavg > $R/load-measure.txt
lsn() { for p in 18742 18752; do PGPASSWORD=postgres psql -w -h 127.0.0.1 -p $p -U postgres -XAtc "SELECT $p, pg_current_wal_lsn(), (SELECT count(*) FROM customers)"; done; }
lsn > $R/lsn-start.txt
python3 bench/create-cpu.py $SEED 10 64 ${ROUNDS:-2} base:18740:18742 new:18750:18752 create_short | tee $R/create-c64.tsv
python3 bench/create-cpu.py $SEED 10 8 ${ROUNDS:-2} base:18740:18742 new:18750:18752 create_short | tee $R/create-c8.tsv
lsn > $R/lsn-end.txt
cat /proc/loadavg > $R/load-end.txt
