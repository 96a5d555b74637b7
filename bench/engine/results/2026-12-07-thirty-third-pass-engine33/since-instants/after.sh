#!/usr/bin/env bash
# engine33: the state rows after each side's ingest run (rowsizes*.sql on a scratch PostgreSQL), then the copies deleted
S=/work/engine33-work
for d in $S/after-*; do
  case $d in *s2*) q=rowsizes2.sql ;; *) q=rowsizes.sql ;; esac
  echo "== $(basename $d)"; $S/pgup.sh $d 55436 && psql -X "postgresql://postgres:postgres@127.0.0.1:55436/postgres" -f $S/$q; $S/pgdown.sh $d
  rm -rf $d
done
