#!/usr/bin/env bash
# hot36: a third pair (base, new): copies under the shared lock, then one hold
W=/work/hot36-work
/work/notes/benchlock -s sh -c "$W/tools/prep.sh base 1; $W/tools/prep.sh new 1"
ORDER="base new" /work/notes/benchlock -x $W/tools/pair.sh > $W/pair3.out 2>&1
echo "chain3 done $(date -u +%T)"
