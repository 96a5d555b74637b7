#!/bin/bash
# round.sh R ORDER(bn|nb): one side-by-side round in one bench-lock hold: the same jar (main 050cc53) started twice,
# each on its own fresh cp -a copy of lead33's 1M set (made before the hold: /work/gc36-work/rR{b,n}/data),
# base = the README's flags, new = the same + -XX:+AlwaysPreTouch -XX:InitialRAMPercentage=25 (heap committed and
# touched at start). Per start: list_metadata, list_tags, get at 64 connections, then list_metadata, list_tags,
# list_segment, list_created at 8 (bench/run.sh, 5 s warm-up, 2 x 15 s runs each), GC log, tasks sampler, vmstat.
R=$1; ORDER=$2
BASE="-XX:MaxTenuringThreshold=1 -XX:+UseTransparentHugePages"
NEW="$BASE -XX:+AlwaysPreTouch -XX:InitialRAMPercentage=25"
for s in $(echo $ORDER | fold -w1); do
  if [ $s = b ]; then O=$BASE; else O=$NEW; fi
  /work/gc36-work/tools/start.sh r$R$s "$O" "list_metadata list_tags get" "list_metadata list_tags list_segment list_created" | tail -1
  grep -E 'run [0-9]+:' /work/gc36-work/r$R$s/run.log | sed 's/non2xx.*cpu%/ cpu%/' | cut -c1-200
done
