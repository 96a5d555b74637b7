#!/usr/bin/env bash
# prep.sh N: N fresh copies of engine32's vacuumed 30k x 1,000 seed under copies/ (outside the bench lock)
mkdir -p /work/engine32-work/copies
for i in $(seq $1); do d=/work/engine32-work/copies/c$(date +%s%N); cp -a /work/engine32-work/seed $d.tmp && mv $d.tmp $d; done
sync
