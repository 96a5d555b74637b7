#!/usr/bin/env bash
# 1M starts: each jar on its own copy (m1-<jar name>), in place, alternating, MON on.
cd /work/start25-work
echo "hold from $(date -u +%T), load $(cat /proc/loadavg)"
OUT=$1 INPLACE=1 MON=1 bin/probe.sh /work/start25-work/m1-@ $2 "${@:3}"
echo "hold until $(date -u +%T), load $(cat /proc/loadavg)"
