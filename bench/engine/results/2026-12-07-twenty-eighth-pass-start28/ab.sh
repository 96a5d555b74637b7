#!/usr/bin/env bash
# ab.sh OUT R NEWJAR [NEWOPTS]: one round of 1M starts (inside benchlock -x): base and new jars with -XX:MaxTenuringThreshold=1
# (documented), each on its own copy (base -> dA, new -> dB); order alternates per round (R odd: base first). start27's ab-round2.sh.
OUT=$1 R=$2 NEW=$3; mkdir -p $OUT
b1="base|/work/start28-work/base.jar|/work/start28-work/dA|-XX:MaxTenuringThreshold=1"
n1="new|$NEW|/work/start28-work/dB|-XX:MaxTenuringThreshold=1 ${4:-}"
if [ $((R % 2)) = 1 ]; then S=("$b1" "$n1"); else S=("$n1" "$b1"); fi
R0=$((R - 1)) /work/start28-work/bin/probe3.sh $OUT 1 "${S[@]}"
