#!/usr/bin/env bash
# round.sh RESULTS_DIR (create35): base = main 0537a7a's jar on base/bench/data (19040), new = branch create35's jar on
# new/bench/data (19050), started at once with the README's JVM flags; WARM warm-up rounds of creates at 64; then
# create-cpu3.py (order a b b a / b a a b) at 64 and 8 connections, then the surname and email searches at 64
# (10 s a run); customers and pending rows before/after; stops both servers. Run under benchlock -x.
set -uo pipefail
W=/work/create35-work; R=$(realpath -m $1); mkdir -p $R
BASEJAR=${BASEJAR:-$W/run/base-src.jar}; NEWJAR=${NEWJAR:-$W/run/new-src.jar}
trap 'kill $(cat $W/run/base.pid) $(cat $W/run/new.pid) 2>/dev/null || true; sleep 8; for s in base new; do cp $W/run/$s.log $R/server-$s.log; done' EXIT
cat /proc/loadavg > $R/load-start.txt
echo "base $BASEJAR on base / new $NEWJAR on new; first ${FIRST:-base}" > $R/sides.txt
JAVA_OPTS="" $W/scripts/start.sh base $BASEJAR 19040 &
JAVA_OPTS="" $W/scripts/start.sh new $NEWJAR 19050 &
wait
for p in 19040 19050; do curl -sf -m 5 -o /dev/null http://127.0.0.1:$p/health/ready || { echo "$p not ready"; exit 1; }; done
SEED=/work/lead33-work/bench/data/bench-seed
if [ "${FIRST:-base}" = base ]; then SIDES="base:19040:19042 new:19050:19052"; else SIDES="new:19050:19052 base:19040:19042"; fi
q() { PGPASSWORD=postgres psql -w -h 127.0.0.1 -p $1 -U postgres -XAtc "$2"; }
counts() { for p in 19042 19052; do echo "$p $(q $p 'SELECT count(*) FROM customers') $(q $p 'SELECT count(*) FROM customer_search') $(q $p 'SELECT count(*) FROM customer_search_pending' 2>/dev/null)"; done; }
counts > $R/counts-start.txt
python3 $W/scripts/create-cpu3.py $SEED 10 64 ${WARM:-1} $SIDES create > $R/warmup.tsv
cat $R/warmup.tsv
cat /proc/loadavg > $R/load-measure.txt
python3 $W/scripts/create-cpu3.py $SEED 10 64 ${ROUNDS:-1} $SIDES create | tee $R/create-c64.tsv
python3 $W/scripts/create-cpu3.py $SEED 10 8 ${ROUNDS:-1} $SIDES create | tee $R/create-c8.tsv
counts > $R/counts-after-creates.txt
sleep 3
python3 $W/scripts/create-cpu3.py $SEED 5 64 1 $SIDES search_surname > $R/warm-search.tsv
python3 $W/scripts/create-cpu3.py $SEED 10 64 ${ROUNDS:-1} $SIDES search_surname | tee $R/search-surname-c64.tsv
python3 $W/scripts/create-cpu3.py $SEED 10 64 ${ROUNDS:-1} $SIDES search_email | tee $R/search-email-c64.tsv
counts > $R/counts-end.txt
cat /proc/loadavg > $R/load-end.txt
