#!/bin/bash
# one exclusive hold: base (main 5626c4d) vs new (search29) side by side on copies of search28's 1M seed at V72
# (prepared before the hold; the new server migrates it to V73 at its start): surnames, surnames among vip,
# the tags and metadata lists at 64 connections, 3 rounds x 10 s alternating; then surnames at 8 and creates at 64
cd /work/search29-work
echo "hold start $(date -u +%T) load $(cat /proc/loadavg)"
cat bt1.out
[ -f jars/new.jar ] || { echo "no new jar"; exit 1; }
AFTER="search:surname@8 create:create@64" tools/ab.sh h1 3 10 \
  "search:surname path:/work/search29-work/tools/queries-surname-vip.txt list:tags list:metadata" "64"
echo "hold end $(date -u +%T) load $(cat /proc/loadavg)"
