#!/usr/bin/env bash
# hot36: pair 1 (base, new) once the seeds and copies are ready, then pair 2 (new, base) in a second hold
W=/work/hot36-work
while ! grep -q "chain1 done" $W/chain1.out; do sleep 5; done
ORDER="base new" /work/notes/benchlock -x $W/tools/pair.sh > $W/pair1.out 2>&1
sleep 20
ORDER="new base" /work/notes/benchlock -x $W/tools/pair.sh > $W/pair2.out 2>&1
echo "chain2 done $(date -u +%T)"
