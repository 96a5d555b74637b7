#!/bin/bash
cat /proc/loadavg
for r in 1 2 3; do for f in "$@"; do echo -n "$f "; pgbench -n -h 127.0.0.1 -p 18762 -U postgres -M prepared -f pgb/$f.sql -t 300 postgres 2>&1 | grep -E 'latency average' | awk '{print $4}'; done; done
cat /proc/loadavg
