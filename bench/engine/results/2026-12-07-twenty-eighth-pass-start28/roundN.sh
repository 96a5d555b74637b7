#!/usr/bin/env bash
# roundN.sh R NEWJAR: one round (inside benchlock -x): base on dA, NEWJAR on dB, and base with its AppCDS archive on dA
# when base.jsa exists; order alternates per round (R odd: base first).
R=$1 NEW=$2; OUT=/work/start28-work/ab
[ -f "$NEW" ] || { echo "no $NEW"; exit 1; }
b="base|/work/start28-work/base.jar|/work/start28-work/dA|-XX:MaxTenuringThreshold=1"
n="$(basename $NEW .jar)|$NEW|/work/start28-work/dB|-XX:MaxTenuringThreshold=1"
c="cds|/work/start28-work/base.jar|/work/start28-work/dA|-XX:MaxTenuringThreshold=1 -XX:SharedArchiveFile=/work/start28-work/base.jsa"
if [ $((R % 2)) = 1 ]; then S=("$b" "$n"); else S=("$n" "$b"); fi
[ -f /work/start28-work/base.jsa ] && S+=("$c")
R0=$((R - 1)) /work/start28-work/bin/probe3.sh $OUT 1 "${S[@]}"
