#!/bin/bash
# one hold: main's walk statement against the same walk with the test inside the index scan (bounded by the
# created_at of the 20,000th newest entry instead of a LIMIT 20000 subquery), pgbench -M prepared, 300 a term,
# one connection; then costs.py with N=100 (every surname: walk, period)
cd /work/search34-work; . data/bench-seed/store.env; . /tmp/s34-B.env
echo "start $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
pb() { pgbench -h /tmp -p 54341 -U postgres -n -M prepared -D S=$STORE_ID "$@" -t 300 postgres 2>/dev/null | grep 'latency average' | awk '{print $4}'; }
printf 'term\tmain_walk_ms\tinscan_ms\n'
for t in brooks carter nelson gonzal smith reyes; do
  printf '%s\t%s\t%s\n' $t "$(pb -f scripts/walk-main.sql -D t=$t)" "$(pb -f scripts/walk-inscan.sql -D t=$t -D "b=$B")"
done
printf 'bare walk (count of N newest entries, no test): 200 %s  2000 %s  15000 %s\n' "$(pb -f scripts/walk-bare.sql -D n=200)" "$(pb -f scripts/walk-bare.sql -D n=2000)" "$(pb -f scripts/walk-bare.sql -D n=15000)"
N=100 python3 scripts/costs.py 54341 results/costs-$1.tsv
echo "end $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)"
