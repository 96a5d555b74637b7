#!/usr/bin/env bash
# ab.sh RESULTS_DIR : base (18640) and new (18650) on fresh copies of the 1M seed; warm-up; create-cpu.py at 64 and 8 connections
set -euo pipefail
W=/work/create18-work; R=$1; mkdir -p $R
cd $W
./start.sh base $W/jars/base-449c080.jar 18640 fresh
./start.sh new $W/jars/${NEWJAR:-new-1.jar} 18650 fresh
uptime > $R/uptime-start.txt
cd /work/wt/create18
SEED=$W/seed/data/bench-seed
python3 bench/create-cpu.py $SEED 8 64 1 base:18640:18642 new:18650:18652 create_short > $R/warmup.tsv
python3 bench/create-cpu.py $SEED 10 64 ${ROUNDS:-2} base:18640:18642 new:18650:18652 create_short | tee $R/create-c64.tsv
python3 bench/create-cpu.py $SEED 10 8 ${ROUNDS:-2} base:18640:18642 new:18650:18652 create_short | tee $R/create-c8.tsv
uptime > $R/uptime-end.txt
