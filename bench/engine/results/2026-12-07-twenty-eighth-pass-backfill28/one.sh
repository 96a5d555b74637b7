#!/usr/bin/env bash
# one.sh NAME JAR: restores the run copy from the lead's 1M x 1,000 set (outside the lock), then under the bench
# lock starts JAR on it and backfills selective, broad, broad_time in turn (same order for every jar).
set -euo pipefail
W=/work/backfill28-work
python3 $W/bin/restore.py /work/lead25-work/m1/data-small $W/run
echo "$1 start $(date -u +%T) load $(cat /proc/loadavg)" >> $W/runs.log
/work/notes/benchlock -x $W/bin/bf.sh "$2" $W/run $W/res/$1 \
  'selective:[{"field":"total_spent","operator":"gte","value":2000}] broad:[{"field":"total_orders","operator":"gte","value":1}] broad_time:[{"field":"last_order_at","operator":"within_last","value":"365_days"}]'
echo "$1 end $(date -u +%T) load $(cat /proc/loadavg)" >> $W/runs.log
cat $W/res/$1/probe.tsv >> $W/all.tsv
