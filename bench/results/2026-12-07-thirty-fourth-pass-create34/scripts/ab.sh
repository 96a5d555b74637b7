#!/usr/bin/env bash
# ab.sh RESULTS_DIR (create34): three servers on their own copies of the 1M seed (lead33's), started at once with the
# README's JVM flags: base = BASEJAR on d-base (19040), one = NEWJAR with -Dshoal.experiment.createLanes=1 on d-one
# (19060), new = NEWJAR (2 lanes: the next batch written while the one before commits) on d-new (19050); both NEWJAR
# sides with GT (default -Dshoal.experiment.gcTiming=true: per-2-s batch timing lines "GCT" in the server log).
# WARM warm-up rounds at 64 connections, PROFILE=1: pg_stat_statements + pg_stat_wal + JFR per side (profile.sh,
# 12 s at 64), then create-cpu3.py (order a b c c b a / c b a a b c) at 64 and 8 connections, ROUNDS each; LSNs;
# stops every server. Run under benchlock -x.
set -uo pipefail
W=/work/create34-work; R=$(realpath -m $1); mkdir -p $R; MODE=${MODE:-create}
trap 'kill $(cat $W/run/base.pid) $(cat $W/run/new.pid) $(cat $W/run/one.pid) 2>/dev/null || true; sleep 10; for s in base new one; do cp $W/run/$s.log $R/server-$s.log; done' EXIT
cat /proc/loadavg > $R/load-start.txt
GT=${GT:--Dshoal.experiment.gcTiming=true}
echo "base $BASEJAR / one $NEWJAR createLanes=1 $GT / new $NEWJAR $GT" > $R/sides.txt
JAVA_OPTS="" $W/scripts/start.sh base $BASEJAR 19040 &
JAVA_OPTS="$GT" $W/scripts/start.sh new $NEWJAR 19050 &
JAVA_OPTS="-Dshoal.experiment.createLanes=1 $GT" DATA=d-one $W/scripts/start.sh one $NEWJAR 19060 &
wait
for p in 19040 19050 19060; do curl -sf -m 5 -o /dev/null http://127.0.0.1:$p/health/ready || { echo "$p not ready"; exit 1; }; done
SEED=/work/lead33-work/bench/data/bench-seed
SIDES="base:19040:19042 one:19060:19062 new:19050:19052"
python3 $W/scripts/create-cpu3.py $SEED 10 64 ${WARM:-2} $SIDES $MODE > $R/warmup.tsv
cat $R/warmup.tsv
if [ "${PROFILE:-1}" = 1 ]; then
  for s in base:19040 one:19060 new:19050; do $W/scripts/profile.sh ${s#*:} 64 12 $R/profile-${s%%:*} $MODE; done
fi
cat /proc/loadavg > $R/load-measure.txt
lsn() { for p in 19042 19052 19062; do PGPASSWORD=postgres psql -w -h 127.0.0.1 -p $p -U postgres -XAtc "SELECT $p, pg_current_wal_lsn(), (SELECT count(*) FROM customers)"; done; }
lsn > $R/lsn-start.txt
python3 $W/scripts/create-cpu3.py $SEED 10 64 ${ROUNDS:-1} $SIDES $MODE | tee $R/create-c64.tsv
[ "${C8:-1}" = 1 ] && python3 $W/scripts/create-cpu3.py $SEED 10 8 ${ROUNDS:-1} $SIDES $MODE | tee $R/create-c8.tsv
lsn > $R/lsn-end.txt
cat /proc/loadavg > $R/load-end.txt
