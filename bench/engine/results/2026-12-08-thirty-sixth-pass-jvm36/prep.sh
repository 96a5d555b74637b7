#!/usr/bin/env bash
# prep.sh N: N fresh copies of seed/ under copies/ (outside the bench lock)
mkdir -p /work/jvm36-work/copies
for i in $(seq $1); do d=/work/jvm36-work/copies/c-$(date +%s%N); cp -a /work/jvm36-work/seed $d.tmp && mv $d.tmp $d; done
sync
