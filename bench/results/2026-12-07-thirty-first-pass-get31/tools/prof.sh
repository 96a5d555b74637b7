#!/bin/bash
# prof.sh NAME PORT JAR DUR CONNS: one Shoal server (serve.sh, up) and the ceiling (started here from JAR), each:
# 10 s warm-up, then DUR s of wrk at CONNS with a JFR recording (settings=profile: CPU and allocation samples),
# then DUR s without JFR (CPU ms a request of the JVM from /proc, req/s). Run inside benchlock -x.
name=$1 port=$2 jar=$3 DUR=$4 CONNS=$5
W=/work/get31-work/prof/$name; mkdir -p $W; SEED=/work/get31-work/data-base
. $SEED/bench-seed/store.env
LUA=/work/get31-work/tools/shoal.lua; CPORT=19490
spid=$(cat /work/get31-work/runs/$name.pid)
tk() { local t=0; for p in "$@"; do f=($(cut -d')' -f2- /proc/$p/stat 2>/dev/null)); t=$((t + ${f[11]:-0} + ${f[12]:-0})); done; echo $t; }
run() { # label pid url mode file
  local s0 s1 r n l0; s0=$(tk $2); l0=$(cut -d' ' -f1-3 /proc/loadavg)
  r=$(wrk -t2 -c$CONNS -d${DUR}s --timeout 10s -s $LUA $3 -- $4 $STORE_ID $API_KEY $5 2>&1 | grep '^RESULT')
  s1=$(tk $2); n=$(echo "$r" | tr ' ' '\n' | grep '^requests=' | cut -d= -f2)
  echo "$1 $(date -u +%T) $r jvm_us_req=$(( (s1-s0)*10000000/n/1000 )) load=$l0" | tee -a $W/summary.txt
}
echo "start $(date -u +%T) load $(cat /proc/loadavg)" | tee -a $W/summary.txt
wrk -t2 -c$CONNS -d10s -s $LUA http://127.0.0.1:$port -- get $STORE_ID $API_KEY $SEED/bench-seed/ids.txt | grep RESULT
jcmd $spid JFR.start name=p settings=profile filename=$W/get.jfr > /dev/null
run get-jfr $spid http://127.0.0.1:$port get $SEED/bench-seed/ids.txt
jcmd $spid JFR.stop name=p > /dev/null
run get $spid http://127.0.0.1:$port get $SEED/bench-seed/ids.txt
java -cp $jar /work/wt/get31/bench/CeilingServer.java $CPORT 2 > $W/ceiling.log 2>&1 &
cpid=$!
for _ in $(seq 120); do curl -sf -o /dev/null http://127.0.0.1:$CPORT/ceiling && break; sleep 0.5; done
wrk -t2 -c$CONNS -d10s -s $LUA http://127.0.0.1:$CPORT -- ceiling x x | grep RESULT
jcmd $cpid JFR.start name=p settings=profile filename=$W/ceiling.jfr > /dev/null
run ceiling-jfr $cpid http://127.0.0.1:$CPORT ceiling ""
jcmd $cpid JFR.stop name=p > /dev/null
run ceiling $cpid http://127.0.0.1:$CPORT ceiling ""
kill $cpid; wait $cpid 2>/dev/null
echo "end $(date -u +%T) load $(cat /proc/loadavg)" | tee -a $W/summary.txt
