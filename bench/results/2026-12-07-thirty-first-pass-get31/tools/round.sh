#!/bin/bash
# round.sh ROUND DUR: one round (one benchlock -x hold): the ceiling server started here (2 instances, same jar as base),
# then at 64 and at 8 connections: ceiling, base get, new get (base/new order flipped per round), each 5 s warm-up (the ceiling 10 s) + DUR s
# of wrk (bench/wrk/shoal.lua, ids.txt: 20,000 ids the profile cache holds); per run req/s, latency, JVM CPU us a request
# (utime+stime of the server process, /proc), load. Base: main e7dbcf9 on port 19460, new: branch get31 on 19470.
ROUND=$1 DUR=$2
W=/work/get31-work/ab; mkdir -p $W; OUT=$W/raw.tsv; SEED=/work/get31-work/data-base; T=/work/get31-work/tools
. $SEED/bench-seed/store.env
declare -A PORT=([ceiling]=19490 [base]=19460 [new]=19470)
tk() { local f; f=($(cut -d')' -f2- /proc/$1/stat)); echo $(( ${f[11]} + ${f[12]} )); }
[ -f $OUT ] || printf 'round\tside\tconns\trequests\tduration_s\trps\tp50_ms\tp90_ms\tp99_ms\tmax_ms\tnon2xx\tsockerr\ttimeouts\tjvm_us_req\tload1\tutc\n' > $OUT
one() { # side conns
  local port=${PORT[$1]} pid=$(cat /work/get31-work/runs/$1.pid) mode=get file=$SEED/bench-seed/ids.txt
  [ $1 = ceiling ] && mode=ceiling && file=""
  local w=5; [ $1 = ceiling ] && w=10
  wrk -t2 -c$2 -d${w}s -s $T/shoal.lua http://127.0.0.1:$port -- $mode $STORE_ID $API_KEY $file > /dev/null
  local s0 s1 r n l; l=$(cut -d' ' -f1 /proc/loadavg); s0=$(tk $pid)
  r=$(wrk -t2 -c$2 -d${DUR}s --timeout 10s -s $T/shoal.lua http://127.0.0.1:$port -- $mode $STORE_ID $API_KEY $file 2>&1 | grep '^RESULT ' | sed 's/^RESULT //' | tr ' ' '\n' | cut -d= -f2 | paste -sd'\t')
  s1=$(tk $pid); n=$(echo "$r" | cut -f1)
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$ROUND" "$1" "$2" "$r" "$(( (s1 - s0) * 10000000 / n / 1000 ))" "$l" "$(date -u +%T)" | tee -a $OUT
}
echo "round $ROUND start $(date -u +%T) load $(cat /proc/loadavg)" | tee -a $W/rounds.log
# a server started since the last round fills its cache of the 20,000 ids first (WARM_NEW=1)
[ "$WARM_NEW" = 1 ] && wrk -t2 -c64 -d30s -s $T/shoal.lua http://127.0.0.1:19470 -- get $STORE_ID $API_KEY $SEED/bench-seed/ids.txt | grep RESULT | sed 's/^/warm new: /' | tee -a $W/rounds.log
$T/ceil.sh start /work/get31-work/jars/base-e7dbcf9.jar
for conns in 64 8; do
  one ceiling $conns
  if [ $((ROUND % 2)) = 1 ]; then one base $conns; one new $conns; else one new $conns; one base $conns; fi
done
$T/ceil.sh stop
echo "round $ROUND end $(date -u +%T) load $(cat /proc/loadavg)" | tee -a $W/rounds.log
