#!/usr/bin/env bash
# one.sh NAME JAR COPY: restores COPY (a run copy of the lead's 1M x 1,000 set, V74, vacuumed) outside the lock unless
# it is fresh, then under the bench lock starts JAR on it, backfills selective, then broad, then starts it again.
set -euo pipefail
W=/work/backfill30-work
if [ -e "$3.used" ]; then echo "$1 restore $(date -u +%T) $(python3 $W/bin/restore.py /work/lead25-work/m1/data-small $3) $(date -u +%T)" >> $W/runs.log; fi
touch "$3.used"
echo "$1 wait $(date -u +%T) load $(cat /proc/loadavg)" >> $W/runs.log
/work/notes/benchlock -x bash -c "echo \"$1 start \$(date -u +%T) load \$(cat /proc/loadavg)\" >> $W/runs.log; $W/bin/bf.sh $2 $3 $W/res/$1 'selective:[{\"field\":\"total_spent\",\"operator\":\"gte\",\"value\":2000}] broad:[{\"field\":\"total_orders\",\"operator\":\"gte\",\"value\":1}]'"
echo "$1 end $(date -u +%T) load $(cat /proc/loadavg)" >> $W/runs.log
cat $W/res/$1/probe.tsv >> $W/all.tsv
cat $W/res/$1/restart.txt | sed "s/^/$1 /" >> $W/all.tsv
