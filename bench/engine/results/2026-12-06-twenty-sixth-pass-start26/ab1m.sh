#!/usr/bin/env bash
# ab1m.sh OUT ROUNDS JAR...: 1M starts, each jar on its own copy (/work/start26-work/<jar name>), in place, alternating, MON on.
cd /work/start26-work
echo "hold from $(date -u +%T), load $(cat /proc/loadavg)"
OUT=$1 INPLACE=1 MON=1 bin/probe.sh /work/start26-work/@ $2 "${@:3}"
echo "hold until $(date -u +%T), load $(cat /proc/loadavg)"
