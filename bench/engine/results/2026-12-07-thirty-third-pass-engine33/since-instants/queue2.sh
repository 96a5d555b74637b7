#!/usr/bin/env bash
# engine33 step 2: two holds, orders alternated, fresh copies of each side's seed prepared before each
cd /work/engine33-work
./prep.sh b2 2; ./prep.sh s2 2
LORDER="b2 s2" IORDER="s2 b2" /work/notes/benchlock -x ./hold2.sh > hold2a.log 2>&1
./prep.sh b2 2; ./prep.sh s2 2
LORDER="s2 b2" IORDER="b2 s2" /work/notes/benchlock -x ./hold2.sh > hold2b.log 2>&1
