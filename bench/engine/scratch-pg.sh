# Sourced by the scratch-PostgreSQL benches (state-rows, customer-aggregates): starts a throwaway
# PostgreSQL (fsync on, shared_buffers 256 MB) in a new directory under ${TMPDIR:-/tmp} on a free
# port (or PG_PORT), stopped and deleted when the calling script exits. Sets bin, dir, port and psql
# (the psql command as an array, over the socket, user postgres). Needs PostgreSQL 15+ binaries
# (PG_BIN, or the newest /usr/lib/postgresql/*/bin). NAME: the directory's prefix.
scratch_pg_start() {
  bin="${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}"
  [ -x "$bin/initdb" ] || { echo "PostgreSQL binaries not found (set PG_BIN, or apt-get install postgresql)" >&2; exit 1; }
  dir="$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX")"
  port="${PG_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}"
  as=()
  if [ "$(id -u)" = 0 ]; then chown postgres "$dir"; as=(runuser -u postgres --); fi
  trap scratch_pg_stop EXIT
  "${as[@]}" "$bin/initdb" -D "$dir/data" -A trust -U postgres >/dev/null
  "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -o "-p $port -k $dir -c listen_addresses=127.0.0.1\
 -c shared_buffers=256MB -c fsync=on -c synchronous_commit=on" start >/dev/null
  psql=("$bin/psql" -h "$dir" -p "$port" -U postgres -q -X)
}

scratch_pg_stop() {
  "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
