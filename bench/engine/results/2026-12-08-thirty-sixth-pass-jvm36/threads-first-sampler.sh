#!/usr/bin/env bash
# threads.sh OUT: every 2 s, each thread of the Shoal under test (engine-under-test.jar): name and utime+stime ticks
OUT=$1
while :; do
  pid=$(pgrep -f 'engine-under-test.jar' | head -1)
  if [ -n "$pid" ]; then
    ts=$(date +%s.%N)
    for t in /proc/$pid/task/*; do
      [ -r $t/stat ] || continue
      n=$(cat $t/comm 2>/dev/null)
      s=$(sed 's/.*) //' $t/stat 2>/dev/null | awk '{print $12+$13}')
      echo "$ts	$n	$s"
    done >> $OUT
  fi
  sleep 2
done
