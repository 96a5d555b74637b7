#!/bin/bash
# sysc.sh NAME LABEL PID URLBASE MODE CONNS: syscalls of PID during 10 s of a 14 s wrk run (perf stat), per request. Inside benchlock -x.
name=$1 label=$2 pid=$3 url=$4 mode=$5 CONNS=$6
W=/work/get31-work/prof/$name; mkdir -p $W; SEED=/work/get31-work/data-base; . $SEED/bench-seed/store.env
file=$([ $mode = get ] && echo $SEED/bench-seed/ids.txt || echo "")
wrk -t2 -c$CONNS -d5s -s /work/get31-work/tools/shoal.lua $url -- $mode $STORE_ID $API_KEY $file > /dev/null
wrk -t2 -c$CONNS -d14s -s /work/get31-work/tools/shoal.lua $url -- $mode $STORE_ID $API_KEY $file > $W/$label-sysc.wrk &
w=$!; sleep 2
perf stat -x, -e raw_syscalls:sys_enter,syscalls:sys_enter_read,syscalls:sys_enter_write,syscalls:sys_enter_writev,syscalls:sys_enter_epoll_wait,syscalls:sys_enter_epoll_pwait,syscalls:sys_enter_futex,syscalls:sys_enter_epoll_ctl,context-switches,task-clock -p $pid -o $W/$label-sysc.txt -- sleep 10
wait $w
rps=$(grep '^RESULT' $W/$label-sysc.wrk | tr ' ' '\n' | grep '^rps=' | cut -d= -f2)
echo "$label rps=$rps load=$(cut -d' ' -f1 /proc/loadavg)"; awk -F, -v r=$rps '$1 ~ /^[0-9.]+$/ {printf "  %-36s %12s  per req %.3f\n", $3, $1, $1/(r*10)}' $W/$label-sysc.txt
