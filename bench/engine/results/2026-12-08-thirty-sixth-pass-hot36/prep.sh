#!/usr/bin/env bash
# prep.sh SIDE N: N fresh copies of seed-SIDE under copies/ (outside the bench lock)
mkdir -p /work/hot36-work/copies
for i in $(seq $2); do d=/work/hot36-work/copies/$1-$(date +%s%N); cp -a /work/hot36-work/seed-$1 $d.tmp && mv $d.tmp $d; done
sync
