#!/usr/bin/env bash
# rounds 2 and 3 (alternated orders), fresh copies prepared before each
cd /work/engine32-work
./prep.sh 4
LORDER="new base" IORDER="base new" /work/notes/benchlock -x ./hold.sh > hold2.log 2>&1
sleep 3
./prep.sh 4
LORDER="base new" IORDER="new base" /work/notes/benchlock -x ./hold.sh > hold3.log 2>&1
