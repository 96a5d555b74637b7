#!/bin/bash
# round.sh ROUND DUR "CLASSES" "CONNS": one round of base (port 19660) against new (19670), both servers already up
# (serve.sh on my two copies of the 1M seed: base main's jar at V76, new the branch's jar at V79).
# Per class and connection count: 2 s warm-up of each side at 8 connections, then DUR s of wrk on each side, order
# flipped per round. wrk runs tools/timed.lua (lists31's) with one connection a thread (-tC -cC), so each run gives
# wrk's own p99 (corrected for coordinated omission) and every request's latency (per-request p50/p90/p99/max);
# plus CPU ms a request of the JVM and its PostgreSQL (/proc), pg pool wait and use (Shoal's /metrics), load.
# Run inside benchlock -x. (lists31's round.sh with my ports, data and the per-request log.)
ROUND=$1 DUR=$2 CLASSES=$3 CONNS=$4; W=${W:-/work/lists32-work/ab}
mkdir -p $W/req; OUT=$W/raw.tsv; SEED=/work/lists32-work/base-data
T=/work/lists32-work/tools
declare -A PORT=([base]=19660 [new]=19670) SPID=([base]=$(cat /work/lists32-work/runs/base.pid) [new]=$(cat /work/lists32-work/runs/new.pid))
. $SEED/bench-seed/store.env
tk() { local t=0; for p in "$@"; do f=($(cut -d')' -f2- /proc/$p/stat 2>/dev/null)); t=$((t + ${f[11]:-0} + ${f[12]:-0})); done; echo $t; }
pgpids() { local pm; pm=$(ss -ltnpH "sport = :$(($1+2))" | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2); echo $pm $(pgrep -P $pm); }
scrape() { curl -s "http://127.0.0.1:$1/metrics" | awk '/^vertx_pool_(queue_time|usage)_seconds_(sum|count)\{pool_name="shoal-pg"/ {split($1,a,"{"); n=a[1]; sub(/^vertx_pool_/,"",n); print n"="$2}' | sort | tr '\n' ' '; }
val() { echo "$1" | tr ' ' '\n' | grep "^$2=" | cut -d= -f2; }
mode() { echo "${1%%:*}"; }
file() { case "${1%%:*}" in search) echo "$SEED/bench-seed/terms-${1#*:}.txt" ;; *) echo "$SEED/bench-seed/queries-${1#*:}.txt" ;; esac; }
[ -f $OUT ] || printf 'round\tside\tclass\tconns\trequests\tduration_s\trps\tp50_ms\tp90_ms\tp99_ms\tmax_ms\tnon2xx\tsockerr\ttimeouts\treq_p50_ms\treq_p90_ms\treq_p99_ms\treq_max_ms\tshoal_ms_req\tpg_ms_req\tpool_wait_ms\tpool_use_ms\tload1\tutc\n' > $OUT
one() { # side class conns
  local port=${PORT[$1]} pg; pg=$(pgpids $port)
  local pre=$W/req/r$ROUND-$1-${2#*:}-$3
  local m0 s0 p0 r m1 s1 p1; m0=$(scrape $port); s0=$(tk ${SPID[$1]}); p0=$(tk $pg)
  r=$(wrk -t$3 -c$3 -d${DUR}s --timeout 10s -s $T/timed.lua http://127.0.0.1:$port -- $(mode $2) $STORE_ID $API_KEY $(file $2) $pre 2>&1 | grep '^RESULT ' | sed 's/^RESULT //' | tr ' ' '\n' | cut -d= -f2 | paste -sd'\t')
  s1=$(tk ${SPID[$1]}); p1=$(tk $(pgpids $port)); m1=$(scrape $port)
  local n; n=$(echo "$r" | cut -f1)
  local per; per=$(python3 $T/pct.py $pre)
  local extra; extra=$(python3 -c "
n=$n; d=lambda a,b: float(b or 0)-float(a or 0)
qs=d('$(val "$m0" queue_time_seconds_sum)','$(val "$m1" queue_time_seconds_sum)'); qc=d('$(val "$m0" queue_time_seconds_count)','$(val "$m1" queue_time_seconds_count)')
us=d('$(val "$m0" usage_seconds_sum)','$(val "$m1" usage_seconds_sum)'); uc=d('$(val "$m0" usage_seconds_count)','$(val "$m1" usage_seconds_count)')
print('%.3f\t%.3f\t%.2f\t%.2f' % (($s1-$s0)*10/n, ($p1-$p0)*10/n, qs*1000/max(qc,1), us*1000/max(uc,1)))")
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$ROUND" "$1" "${2#*:}" "$3" "$r" "$per" "$extra" "$(cut -d' ' -f1 /proc/loadavg)" "$(date -u +%T)" | tee -a $OUT
}
echo "round $ROUND start $(date -u +%T) load $(cat /proc/loadavg)" | tee -a $W/rounds.log
for conns in $CONNS; do for class in $CLASSES; do
  for side in base new; do wrk -t2 -c8 -d2s -s /work/wt/lists32/bench/wrk/shoal.lua http://127.0.0.1:${PORT[$side]} -- $(mode $class) $STORE_ID $API_KEY $(file $class) > /dev/null; done
  if [ $((ROUND % 2)) = 1 ]; then one base $class $conns; one new $class $conns; else one new $class $conns; one base $class $conns; fi
done; done
echo "round $ROUND end $(date -u +%T) load $(cat /proc/loadavg)" | tee -a $W/rounds.log
