#!/bin/bash
# ab.sh NAME ROUNDS DUR "CLASSES" "CONNS" (search28's, copies prepared before the hold with PREP=1, a create warm-up): base and new jar side by side on fresh cp -a copies of search28's 1M seed at V72
# (seed 42), both servers up, each wrk run alternating the sides (order flipped per round), 2 s warm-up of each
# side per class; per run: req/s, p50/p90/p99, CPU ms per request of the JVM and of its PostgreSQL (/proc),
# pg pool queue and usage ms per request (Shoal's /metrics). Env: BASE_JAR NEW_JAR, EXTRA_ENV (both servers),
# BASE_ENV / NEW_ENV (one side each). Classes: get:F, search:F, list:F (bench-seed files) or path:FILE (list queries).
set -e
name=$1 ROUNDS=$2 DUR=$3 CLASSES=$4 CONNS=$5
W=/work/search29-work/ab/$name; SEED=/work/search29-work/seed-v72; SEED_NEW=${SEED_NEW:-$SEED}
BASE_JAR=${BASE_JAR:-/work/search29-work/jars/base-5626c4d.jar}; NEW_JAR=${NEW_JAR:-/work/search29-work/jars/new.jar}
WT=/work/wt/search29-base   # only bench/wrk/shoal.lua is read from here (same in both trees)
mkdir -p $W; OUT=$W/raw.tsv
uptime > $W/uptime-start.txt
declare -A PORT=([base]=18960 [new]=18970) SEEDS=([base]=$SEED [new]=$SEED_NEW) ENVS=([base]="$BASE_ENV" [new]="$NEW_ENV") JAR=([base]=$BASE_JAR [new]=$NEW_JAR) SPID
for side in base new; do
  [ -d $W/data-$side ] || cp -a ${SEEDS[$side]} $W/data-$side
  [ -n "$PREP" ] && continue
  cp ${JAR[$side]} $W/$side.jar
  env $EXTRA_ENV ${ENVS[$side]} SHOAL_HTTP_HOST=127.0.0.1 SHOAL_HTTP_PORT=${PORT[$side]} SHOAL_DATA_DIR=$W/data-$side \
    SHOAL_EMBEDDED_PG_PORT=$((PORT[$side]+2)) SHOAL_PG_URL= SHOAL_ADMIN_KEY= \
    setsid java -XX:MaxTenuringThreshold=1 -jar $W/$side.jar > $W/$side.log 2>&1 < /dev/null &
  SPID[$side]=$!; echo ${SPID[$side]} > $W/$side.pid
done
[ -n "$PREP" ] && { echo prepared; exit 0; }
stop() { for side in base new; do p=${SPID[$side]}; kill $p 2>/dev/null || true; for _ in $(seq 120); do kill -0 $p 2>/dev/null || break; sleep 0.5; done; kill -0 $p 2>/dev/null && kill -9 $p; rm -rf $W/data-$side; done; }
trap stop EXIT
for side in base new; do
  for _ in $(seq 1200); do curl -sf -m 5 -o /dev/null "http://127.0.0.1:${PORT[$side]}/health/ready" && break; sleep 0.5; done
  echo "$side ready $(date -u +%T)"
done
# WAIT_FOR=FILE: measure only once FILE is gone (the tests that run beside the servers' start, in the same hold)
[ -n "$WAIT_FOR" ] && while [ -e "$WAIT_FOR" ]; do sleep 2; done && echo "measuring from $(date -u +%T)"
. $SEED/bench-seed/store.env
tk() { local t=0; for p in "$@"; do f=($(cut -d')' -f2- /proc/$p/stat 2>/dev/null)); t=$((t + ${f[11]:-0} + ${f[12]:-0})); done; echo $t; }
pgpids() { local pm; pm=$(ss -ltnpH "sport = :$(($1+2))" | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2); echo $pm $(pgrep -P $pm); }
scrape() { curl -s "http://127.0.0.1:$1/metrics" | awk '/^vertx_pool_(queue_time|usage)_seconds_(sum|count)\{pool_name="shoal-pg"/ {split($1,a,"{"); n=a[1]; sub(/^vertx_pool_/,"",n); print n"="$2}' | sort | tr '\n' ' '; }
val() { echo "$1" | tr ' ' '\n' | grep "^$2=" | cut -d= -f2; }
mode() { case "${1%%:*}" in path) echo list ;; create) echo create ;; *) echo "${1%%:*}" ;; esac; }
file() { case "${1%%:*}" in path) echo "${1#*:}" ;; create) echo "$SEED/bench-seed/ids.txt" ;; get) echo "$SEED/bench-seed/${1#*:}.txt" ;; search) echo "$SEED/bench-seed/terms-${1#*:}.txt" ;; *) echo "$SEED/bench-seed/queries-${1#*:}.txt" ;; esac; }
[ -f $OUT ] || printf 'round\tside\tclass\tconns\trequests\tduration_s\trps\tp50_ms\tp90_ms\tp99_ms\tmax_ms\tnon2xx\tsockerr\ttimeouts\tshoal_ms_req\tpg_ms_req\tpool_wait_ms\tpool_use_ms\tload1\tutc\n' > $OUT
one() { # side class conns
  local port=${PORT[$1]} pg; pg=$(pgpids $port)
  local m0 s0 p0 r m1 s1 p1; m0=$(scrape $port); s0=$(tk ${SPID[$1]}); p0=$(tk $pg)
  r=$(wrk -t2 -c$3 -d${DUR}s --timeout 10s -s $WT/bench/wrk/shoal.lua http://127.0.0.1:$port -- $(mode $2) $STORE_ID $API_KEY $(file $2) 2>&1 | grep '^RESULT ' | sed 's/^RESULT //' | tr ' ' '\n' | cut -d= -f2 | paste -sd'\t')
  s1=$(tk ${SPID[$1]}); p1=$(tk $(pgpids $port)); m1=$(scrape $port)
  local n; n=$(echo "$r" | cut -f1)
  local extra; extra=$(python3 -c "
n=$n; d=lambda a,b: float(b or 0)-float(a or 0)
qs=d('$(val "$m0" queue_time_seconds_sum)','$(val "$m1" queue_time_seconds_sum)'); qc=d('$(val "$m0" queue_time_seconds_count)','$(val "$m1" queue_time_seconds_count)')
us=d('$(val "$m0" usage_seconds_sum)','$(val "$m1" usage_seconds_sum)'); uc=d('$(val "$m0" usage_seconds_count)','$(val "$m1" usage_seconds_count)')
print('%.3f\t%.3f\t%.2f\t%.2f' % (($s1-$s0)*10/n, ($p1-$p0)*10/n, qs*1000/max(qc,1), us*1000/max(uc,1)))")
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$ROUND" "$1" "$(basename ${2#*:} .txt)" "$3" "$r" "$extra" "$(cut -d' ' -f1 /proc/loadavg)" "$(date -u +%T)" | tee -a $OUT
}
for ROUND in $(seq $ROUNDS); do
  for conns in $CONNS; do for class in $CLASSES; do
    for side in base new; do wrk -t2 -c8 -d2s -s $WT/bench/wrk/shoal.lua http://127.0.0.1:${PORT[$side]} -- $(mode $class) $STORE_ID $API_KEY $(file $class) > /dev/null; done
    if [ $((ROUND % 2)) = 1 ]; then one base $class $conns; one new $class $conns; else one new $class $conns; one base $class $conns; fi
  done; done
done
# Creates last (they add customers at the top of the list's order): AFTER="class conns" pairs, ROUNDS rounds each, alternating
for pair in $AFTER; do class=${pair%@*} conns=${pair#*@}
  for side in base new; do wrk -t2 -c$conns -d6s -s $WT/bench/wrk/shoal.lua http://127.0.0.1:${PORT[$side]} -- $(mode $class) $STORE_ID $API_KEY $(file $class) > /dev/null; done
  for ROUND in $(seq $ROUNDS); do
    for side in base new; do wrk -t2 -c8 -d2s -s $WT/bench/wrk/shoal.lua http://127.0.0.1:${PORT[$side]} -- $(mode $class) $STORE_ID $API_KEY $(file $class) > /dev/null; done
    if [ $((ROUND % 2)) = 1 ]; then one base $class $conns; one new $class $conns; else one new $class $conns; one base $class $conns; fi
  done
done
uptime > $W/uptime-end.txt
