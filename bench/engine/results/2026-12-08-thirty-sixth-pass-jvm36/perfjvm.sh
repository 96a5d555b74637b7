#!/usr/bin/env bash
# perfjvm.sh OUTPREFIX: waits for the measured wrk run (-d20s) of run.sh, then perf-records the Shoal under test
# (engine-under-test.jar) for 15 s with call graphs, then writes its JIT symbol map (jcmd Compiler.perfmap)
OUT=$1
while ! pgrep -f '[w]rk .*-d20s' >/dev/null; do sleep 0.5; done
sleep 1
pid=$(pgrep -f 'engine-under-test.jar' | head -1)
perf record -q -g -F 299 -o $OUT.data -p $pid -- sleep 17 >/dev/null 2>&1
jcmd $pid Compiler.perfmap >/dev/null 2>&1
cp /tmp/perf-$pid.map $OUT.map 2>/dev/null
echo $pid > $OUT.pid
