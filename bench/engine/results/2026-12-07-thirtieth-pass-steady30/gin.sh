#!/usr/bin/env bash
# steady30: GIN insert micro-bench on a throwaway cluster (call under benchlock -x)
PGB=/tmp/embedded-pg/PG-3f56119e081746ae724788ccb91a76e2/bin
cd /work/steady30-work
runuser -u postgres -- $PGB/pg_ctl -D gintest/pg -o "-p 25432 -c synchronous_commit=off -c shared_buffers=128MB -c autovacuum=off" -l gintest/log -w start >/dev/null
echo "load: $(cat /proc/loadavg)"
java -cp jars/base.jar GinBench.java 25432 6000 "default;gin_pending_list_limit=256;gin_pending_list_limit=64;fastupdate=off;default"
echo "load: $(cat /proc/loadavg)"
runuser -u postgres -- $PGB/pg_ctl -D gintest/pg -m fast -w stop >/dev/null
