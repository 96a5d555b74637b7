#!/usr/bin/env bash
# queue.sh ORDER...: one bench-lock hold per argument (each a quoted list of sides), fresh seed copies prepared before each
for o in "$@"; do
  n=$(echo $o | wc -w); have=$(ls -d /work/steady31-work/copies/c* 2>/dev/null | grep -v tmp | wc -l)
  [ $have -lt $n ] && /work/steady31-work/prep.sh $((n - have))
  ORDER="$o" /work/notes/benchlock -x /work/steady31-work/ab.sh
  sleep 3
done
