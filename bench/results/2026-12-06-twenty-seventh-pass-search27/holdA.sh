#!/bin/bash
# one exclusive hold: statement timings on the base server's copy (pgbench, one connection), then lists side by side
cd /work/search27-work
date -u +%T; cat /proc/loadavg
pgb/run.sh probe-meta new-meta probe-tags new-tags > pgb/run2.txt 2>&1
KEEP=0 tools/stop.sh base
tools/ab.sh l1 3 10 "list:metadata list:tags list:created" "64"
date -u +%T
touch /work/search27-work/holdA.done
