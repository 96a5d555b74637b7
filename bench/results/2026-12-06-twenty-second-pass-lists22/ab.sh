#!/bin/bash
# ab.sh OUTDIR ROUNDS DUR: both servers (base :18440, new :18450) on copies of one data dir, the four list
# scenarios at 64 and 8 connections, sides alternating (bench/search-side-by-side.sh), uptime before and after.
out=$1; mkdir -p $out
cd /work/wt/lists22
uptime | tee -a $out/uptime.txt
CLASSES="list:tags list:created list:segment list:metadata" CONNS="64 8" \
  bench/search-side-by-side.sh 18440 18450 /work/lists22-work/data-base/bench-seed $out/raw.tsv ${2:-2} ${3:-10}
uptime | tee -a $out/uptime.txt
