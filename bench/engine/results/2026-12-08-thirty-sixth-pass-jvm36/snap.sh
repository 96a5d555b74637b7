#!/usr/bin/env bash
# snap.sh OUT: per-thread CPU ticks (utime+stime) of the Shoal under test at the measured wrk run's start + 1 s and
# + 19 s (run.sh's window: cpu_mark 1 s after wrk starts, cpu_split at 19 s), one awk a snapshot (no per-thread forks)
OUT=$1
snap() { # label
  pid=$(pgrep -f 'engine-under-test.jar' | head -1)
  awk -v L="$1" -v T="$(date +%s.%N)" '{ s=$0; i=index(s,"("); j=0; for(k=length(s);k>0;k--) if(substr(s,k,1)==")"){j=k;break}
     name=substr(s,i+1,j-i-1); split(substr(s,j+2),f," "); print L"\t"T"\t"name"\t"(f[12]+f[13]) }' /proc/$pid/task/*/stat >> $OUT 2>/dev/null
}
while ! pgrep -f '[w]rk .*-d20s' >/dev/null; do sleep 0.2; done
sleep 1; snap start
sleep 18; snap end
