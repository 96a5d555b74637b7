#!/bin/bash
# stop.sh NAME: stop the server of serve.sh (its pid only) and delete its data copy unless KEEP=1
R=/work/search27-work/runs/$1; pid=$(cat $R/pid)
kill $pid 2>/dev/null || true
for _ in $(seq 120); do kill -0 $pid 2>/dev/null || break; sleep 0.5; done
kill -0 $pid 2>/dev/null && kill -9 $pid
[ "${KEEP:-0}" = 1 ] || rm -rf $R/data
