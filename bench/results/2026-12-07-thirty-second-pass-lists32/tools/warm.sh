#!/bin/bash
# warm.sh PORT...: 6 s of wrk at 64 connections per class on each server (a fresh JVM's first load), not measured
SEED=/work/lists32-work/base-data; . $SEED/bench-seed/store.env; LUA=/work/wt/lists32/bench/wrk/shoal.lua
for port in "$@"; do for c in metadata created; do
  wrk -t2 -c64 -d6s -s $LUA http://127.0.0.1:$port -- list $STORE_ID $API_KEY $SEED/bench-seed/queries-$c.txt | grep '^RESULT' | sed "s/^/$port $c /"
done; done
