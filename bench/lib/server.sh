# Shared by the benchmark scripts that run Shoal as its own process (source it; needs bash):
#   free_port                        prints a free loopback port
#   start_server DATA LOG [VAR=v..]  starts a fresh Shoal from $JAR on 127.0.0.1:$HTTP_PORT with its
#                                    data in DATA and a new admin key in $ADMIN, extra environment
#                                    VAR=v..., and waits until it is ready; SERVER_PID is its pid
#   stop_server                      SIGTERM, then SIGKILL after 30 s; also run on exit (trap)
#   stop_pid PID                     SIGTERM to one process, SIGKILL after 60 s (for scripts that
#                                    start several servers; they set their own trap after sourcing)

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

stop_pid() {
  local pid=$1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 600); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
}

SERVER_PID=
stop_server() {
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID"
    for _ in $(seq 1 300); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$SERVER_PID" 2>/dev/null && kill -KILL "$SERVER_PID"
  fi
  SERVER_PID=
}
trap stop_server EXIT INT TERM

start_server() {
  local data=$1 log=$2
  shift 2
  rm -rf "$data"
  ADMIN=wk_admin_bench_$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
  env SHOAL_DATA_DIR="$data" SHOAL_HTTP_HOST=127.0.0.1 SHOAL_HTTP_PORT="$HTTP_PORT" SHOAL_ADMIN_KEY="$ADMIN" "$@" \
    java ${JAVA_OPTS:-} -jar "$JAR" >"$log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 600); do
    grep -q "Shoal listening" "$log" 2>/dev/null && curl -fs -m 5 "http://127.0.0.1:$HTTP_PORT/health/ready" >/dev/null 2>&1 \
      && return 0
    kill -0 "$SERVER_PID" 2>/dev/null || { echo "server died, see $log" >&2; exit 1; }
    sleep 0.1
  done
  echo "server not ready within 60 s, see $log" >&2
  exit 1
}
