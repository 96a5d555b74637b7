#!/bin/bash
# warm.sh PORT: 8 s of wrk at 64 connections per class on one server (a fresh JVM's first load: JIT, heap sizing), not measured
SEED=/work/reads30-work/seed-base; . $SEED/bench-seed/store.env; LUA=/work/reads30-work/tools/shoal.lua
for c in list:tags list:created list:segment list:metadata search:surname; do
  f=$([ ${c%%:*} = search ] && echo $SEED/bench-seed/terms-${c#*:}.txt || echo $SEED/bench-seed/queries-${c#*:}.txt)
  wrk -t2 -c64 -d8s -s $LUA http://127.0.0.1:$1 -- ${c%%:*} $STORE_ID $API_KEY $f | grep '^RESULT'
done
