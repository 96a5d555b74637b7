#!/usr/bin/env bash
# queue.sh WAITPID SIDE...: after WAITPID ends, one bench-lock hold per side, in order
w=$1; shift
while kill -0 $w 2>/dev/null; do sleep 5; done
for s in "$@"; do ORDER=$s /work/notes/benchlock -x /work/steady29-work/ab.sh; sleep 5; done
