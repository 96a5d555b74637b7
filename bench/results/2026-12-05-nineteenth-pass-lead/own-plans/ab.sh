#!/usr/bin/env bash
# ab3.sh RESULTS_DIR : base (18640) and new (18650) on fresh copies of the 1M seed; 2 warm-up rounds; create-cpu.py at 64 and 8
# connections, WAL per create; stops both servers at the end. Run under flock -x -o (the servers must not inherit the lock).
set -euo pipefail
W=/work/create18-work; R=$1; mkdir -p $R
trap 'kill $(cat $W/run/base.pid) $(cat $W/run/new.pid) 2>/dev/null || true' EXIT
cd $W
./start.sh base /work/lead19-work/jars/main-d0e30a7.jar 18640 fresh
./start.sh new /work/lead19-work/jars/new-own.jar 18650 fresh
cd /work/wt/create18
SEED=$W/seed/data/bench-seed
python3 $W/create-cpu.py $SEED 10 64 1 base:18640:18642 new:18650:18652 create_short > $R/warmup.tsv
uptime > $R/uptime-start.txt
lsn() { for p in 18642 18652; do PGPASSWORD=postgres psql -w -h 127.0.0.1 -p $p -U postgres -XAtc "SELECT $p, pg_current_wal_lsn(), (SELECT count(*) FROM customers)"; done; }
lsn > $R/lsn-start.txt
python3 $W/create-cpu.py $SEED 10 64 ${ROUNDS:-2} base:18640:18642 new:18650:18652 create_short | tee $R/create-c64.tsv
python3 $W/create-cpu.py $SEED 10 8 ${ROUNDS:-2} base:18640:18642 new:18650:18652 create_short | tee $R/create-c8.tsv
lsn > $R/lsn-end.txt
uptime > $R/uptime-end.txt
