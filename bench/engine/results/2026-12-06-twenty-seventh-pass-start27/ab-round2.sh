#!/usr/bin/env bash
# one round of 1M starts (inside benchlock -x): base and new jars with -XX:MaxTenuringThreshold=1 (documented), each on its
# own copy (base -> dA, new -> dB); order alternates per round (R odd: base first).
R=$1; OUT=/work/start27-work/ab; mkdir -p $OUT
b1="base1|/work/start27-work/base.jar|/work/start27-work/dA|-XX:MaxTenuringThreshold=1"
n1="new1|/work/start27-work/new.jar|/work/start27-work/dB|-XX:MaxTenuringThreshold=1"
if [ $((R % 2)) = 1 ]; then S=("$b1" "$n1"); else S=("$n1" "$b1"); fi
R0=$((R - 1)) /work/start27-work/bin/probe2.sh $OUT 1 "${S[@]}"
