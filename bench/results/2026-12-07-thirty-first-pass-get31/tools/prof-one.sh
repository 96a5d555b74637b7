#!/bin/bash
# prof-one.sh NAME LABEL PID URLBASE MODE DUR CONNS [JFR]: 10 s warm-up, (JFR=1: DUR s with a JFR profile), DUR s with
# per-thread CPU (threads.py). Run inside benchlock -x.
name=$1 label=$2 pid=$3 url=$4 mode=$5 DUR=$6 CONNS=$7 JFR=$8
W=/work/get31-work/prof/$name; mkdir -p $W; SEED=/work/get31-work/data-base
. $SEED/bench-seed/store.env
LUA=/work/get31-work/tools/shoal.lua; T=/work/get31-work/tools
file=$([ $mode = get ] && echo $SEED/bench-seed/ids.txt || echo "")
wrk -t2 -c$CONNS -d10s -s $LUA $url -- $mode $STORE_ID $API_KEY $file | grep RESULT
if [ "$JFR" = 1 ]; then
  jcmd $pid JFR.start name=p settings=profile filename=$W/$label.jfr > /dev/null
  wrk -t2 -c$CONNS -d${DUR}s -s $LUA $url -- $mode $STORE_ID $API_KEY $file | grep RESULT | sed "s/^/$label-jfr /" | tee -a $W/summary.txt
  jcmd $pid JFR.stop name=p > /dev/null
fi
python3 $T/threads.py snap $pid > $W/$label.t0; l0=$(cut -d' ' -f1-3 /proc/loadavg)
r=$(wrk -t2 -c$CONNS -d${DUR}s -s $LUA $url -- $mode $STORE_ID $API_KEY $file | grep RESULT)
python3 $T/threads.py snap $pid > $W/$label.t1
echo "$label $(date -u +%T) $r load=$l0" | tee -a $W/summary.txt
python3 $T/threads.py diff $W/$label.t0 $W/$label.t1 $(echo "$r" | tr ' ' '\n' | grep '^requests=' | cut -d= -f2) | tee -a $W/summary.txt
