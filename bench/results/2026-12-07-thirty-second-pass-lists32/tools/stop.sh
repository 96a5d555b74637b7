#!/bin/bash
# stop.sh NAME: stop the server started by serve.sh NAME (its pid only), wait until it is gone
p=$(cat /work/lists32-work/runs/$1.pid); kill $p 2>/dev/null || true
for _ in $(seq 240); do kill -0 $p 2>/dev/null || break; sleep 0.5; done
kill -0 $p 2>/dev/null && kill -9 $p; echo "$1 stopped"
