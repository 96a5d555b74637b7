#!/usr/bin/env bash
# round.sh R: one round (inside benchlock -x): base on dA, new on dB, order alternating (R odd: base first).
R=$1; OUT=/work/start29-work/ab
b="base|/work/start29-work/base.jar|/work/start29-work/dA|-XX:MaxTenuringThreshold=1"
n="new|/work/start29-work/new.jar|/work/start29-work/dB|-XX:MaxTenuringThreshold=1"
if [ $((R % 2)) = 1 ]; then S=("$b" "$n"); else S=("$n" "$b"); fi
R0=$((R - 1)) /work/start29-work/bin/probe3.sh $OUT 1 "${S[@]}"
