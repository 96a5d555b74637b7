#!/usr/bin/env bash
# prep.sh N: N fresh copies of the seed under copies/ (outside the bench lock)
mkdir -p /work/steady31-work/copies
for i in $(seq $1); do d=/work/steady31-work/copies/c$(date +%s%N); cp -a ${SEEDDIR:-/work/counts25-work/seed} $d.tmp && mv $d.tmp $d; done
sync
