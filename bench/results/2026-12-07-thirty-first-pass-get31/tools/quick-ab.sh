cd /work/get31-work
. data-base/bench-seed/store.env
for side in base new new base; do
  port=$([ $side = base ] && echo 19460 || echo 19470); pid=$(cat runs/$side.pid)
  wrk -t2 -c64 -d5s -s tools/shoal.lua http://127.0.0.1:$port -- get $STORE_ID $API_KEY data-base/bench-seed/ids.txt > /dev/null
  python3 tools/threads.py snap $pid > /tmp/get31-t0; l=$(cut -d' ' -f1 /proc/loadavg)
  r=$(wrk -t2 -c64 -d15s -s tools/shoal.lua http://127.0.0.1:$port -- get $STORE_ID $API_KEY data-base/bench-seed/ids.txt | grep RESULT)
  python3 tools/threads.py snap $pid > /tmp/get31-t1
  n=$(echo "$r" | tr ' ' '\n' | grep '^requests=' | cut -d= -f2)
  echo "$side load=$l $(echo $r | cut -d' ' -f4-7) $(python3 tools/threads.py diff /tmp/get31-t0 /tmp/get31-t1 $n | head -1)"
done
