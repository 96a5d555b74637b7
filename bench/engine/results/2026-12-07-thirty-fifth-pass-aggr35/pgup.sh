#!/usr/bin/env bash
# pgup.sh DIR PORT: a scratch PostgreSQL (the embedded binary, fsync on) on DIR/pg, as the postgres user; pgdown.sh DIR stops it
set -eu
B=$(ls -d /tmp/embedded-pg/PG-*/bin | head -1)
rm -f $1/pg/postmaster.pid
chown -R postgres $1/pg
runuser -u postgres -- $B/postgres -D $1/pg -p $2 -c listen_addresses=127.0.0.1 -c max_connections=50 -c shared_buffers=256MB \
  -c timezone=UTC -c max_wal_size=8GB -c checkpoint_timeout=30min > $1/pg.log 2>&1 &
for _ in $(seq 150); do psql -X -q -At "postgresql://postgres:postgres@127.0.0.1:$2/postgres" -c "SELECT 1" >/dev/null 2>&1 && exit 0; sleep 0.2; done
echo "no PostgreSQL on $2" >&2; exit 1
