#!/usr/bin/env bash
# engine33: two single-event ingest pairs, each pair one bench-lock hold, orders alternated (base new, then new base)
cd /work/engine33-work
./prep.sh base 2; ./prep.sh new 2
ORDER="base new" /work/notes/benchlock -x ./one.sh > hold1.log 2>&1
sleep 5
ORDER="new base" /work/notes/benchlock -x ./one.sh > hold2.log 2>&1
