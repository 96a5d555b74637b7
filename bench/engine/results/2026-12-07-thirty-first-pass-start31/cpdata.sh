#!/usr/bin/env bash
# cpdata.sh NAME: a copy of the lead's V74 1M set without its recycled WAL segments (the last checkpoint's is 0x46, clean shutdown)
set -e
S=/work/lead25-work/m1/data-small; D=/work/start31-work/$1
mkdir -p $D
cd $S && for f in *; do [ "$f" = pg ] || cp -a "$f" $D/; done
mkdir -p $D/pg
cd $S/pg && for f in * .[!.]*; do [ -e "$f" ] || continue; [ "$f" = pg_wal ] || cp -a "$f" $D/pg/; done
mkdir -p $D/pg/pg_wal/archive_status
cp -a $S/pg/pg_wal/000000010000000400000046 $D/pg/pg_wal/
chmod 700 $D/pg/pg_wal $D/pg
du -sh $D
