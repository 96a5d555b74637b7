#!/bin/bash
# warm.sh PORT...: 6 s of wrk at 64 connections per class on each server (a fresh JVM's first load: JIT, heap sizing), not measured
SEED=/work/lists31-work/base-data; . $SEED/bench-seed/store.env; LUA=/work/wt/lists31/bench/wrk/shoal.lua
for port in "$@"; do for c in list:tags list:created list:segment list:metadata search:surname; do
  f=$([ ${c%%:*} = search ] && echo $SEED/bench-seed/terms-${c#*:}.txt || echo $SEED/bench-seed/queries-${c#*:}.txt)
  wrk -t2 -c64 -d6s -s $LUA http://127.0.0.1:$port -- ${c%%:*} $STORE_ID $API_KEY $f | grep '^RESULT' | sed "s/^/$port $c /"
done; done
