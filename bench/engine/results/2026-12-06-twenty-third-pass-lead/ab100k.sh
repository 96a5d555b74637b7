#!/usr/bin/env bash
cd /work/wt/lead23
echo "uptime: $(uptime)"
bench/engine/start-side-by-side.sh /work/lead23-work/jars/base-1047cf7.jar /work/lead23-work/jars/new-snap-0bf859a.jar /work/lead23-work/e100k/work/data-small 4
echo "uptime: $(uptime)"
