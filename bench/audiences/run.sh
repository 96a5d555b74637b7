#!/usr/bin/env bash
# Segment export benchmark, end to end: a static segment of MEMBERS customers (default 1,000,000)
# exported as CSV and as XLSX; time to completed, rows/s, file size, the server's live heap before,
# at half the rows and after, its peak RSS, the load, the progress seen while it runs; then the link
# emailed to a real SMTP receiver (GreenMail) downloaded and its rows counted, and, once its
# expires_at has passed, the same link tried again (it must answer 410). See bench/audiences/README.md.
#
#   bench/audiences/run.sh [--skip-build] [--jar PATH] [--reuse]
#
#   --skip-build   use the existing target/shoal.jar
#   --jar PATH     measure this jar instead (e.g. a baseline built from an older commit)
#   --reuse        use the data a previous run left in WORK_DIR: start Shoal on it and skip the
#                  seeding and the exports on the seeding server
#
# Parameters (environment, with defaults):
#   MEMBERS=1000000 RUNS=1 FORMATS="csv xlsx"
#   RESTART_JARS=""                        after the exports on the seeding server, for each jar in
#                                          this list (paths, copied when their turn comes): restart
#                                          Shoal on the same data with it (the start time is reported)
#                                          and run the same exports
#   HTTP_PORT / PG_PORT / SMTP_PORT=(free ports)
#   WORK_DIR=bench/audiences/work          data dir, logs and results (data deleted at the end)
#   JAVA_OPTS="-Xmx2g"                     the server's JVM options (the heap limit matters here)
#   KEEP_DATA=0                            1: keep WORK_DIR/data after a successful run (for --reuse)
#   SHOAL_EXPORT_LINK_TTL_SECONDS          unset: the server's default (360 s)
#
# One fresh Shoal (embedded PostgreSQL, new data dir) on 127.0.0.1; the store and the static segment
# by API, the customers by bench/engine/Seed.java (as Shoal would have left them, evaluator state
# included), the memberships by SQL; the exports one after another. Everything started is stopped
# on exit (also on Ctrl-C).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)

SKIP_BUILD=0
REUSE=0
SRC_JAR=$ROOT/target/shoal.jar
while [[ $# -gt 0 ]]; do
  case "$1" in
    --skip-build) SKIP_BUILD=1 ;;
    --reuse) REUSE=1 ;;
    --jar) SKIP_BUILD=1; SRC_JAR=$(realpath "$2"); shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | grep '^#'; exit 0 ;;
    *) echo "unknown argument: $1 (try --help)" >&2; exit 2 ;;
  esac
  shift
done

MEMBERS=${MEMBERS:-1000000}
RUNS=${RUNS:-1}
FORMATS=${FORMATS:-csv xlsx}
RESTART_JARS=${RESTART_JARS:-}
export JAVA_OPTS=${JAVA_OPTS:--Xmx2g}
source "$ROOT/bench/lib/server.sh"
HTTP_PORT=${HTTP_PORT:-$(free_port)}
PG_PORT=${PG_PORT:-$(free_port)}
SMTP_PORT=${SMTP_PORT:-$(free_port)}
WORK_DIR=${WORK_DIR:-$ROOT/bench/audiences/work}
mkdir -p "$WORK_DIR/logs" "$WORK_DIR/results"

if [[ $SKIP_BUILD == 0 ]]; then
  mvn -B -q -o package -DskipTests
fi
# a copy, under a name a broad `pkill -f shoal` by someone else does not match
JAR=$WORK_DIR/export-under-test.jar
cp "$SRC_JAR" "$JAR"

STAMP=$(date -u +%Y%m%dT%H%M%SZ)
RESULTS=$WORK_DIR/results/exports-$STAMP.jsonl
DATA=$WORK_DIR/data
LOG=$WORK_DIR/logs/server-$STAMP.log
MAIL_DIR=$WORK_DIR/mail-$STAMP
SERVER_ENV=(SHOAL_EMBEDDED_PG_PORT="$PG_PORT" SHOAL_PG_URL= SHOAL_SMTP_HOST=127.0.0.1 SHOAL_SMTP_PORT="$SMTP_PORT"
  SHOAL_SMTP_TLS=none "SHOAL_SMTP_FROM=Shoal <exports@bench.example>")
if [[ -n ${SHOAL_EXPORT_LINK_TTL_SECONDS:-} ]]; then
  SERVER_ENV+=(SHOAL_EXPORT_LINK_TTL_SECONDS="$SHOAL_EXPORT_LINK_TTL_SECONDS")
fi

# the SMTP receiver: GreenMail (the tests' receiver) from the local Maven repository
M2=${M2_REPO:-$HOME/.m2/repository}
MAIL_CP=$M2/com/icegreen/greenmail/2.1.13/greenmail-2.1.13.jar:$M2/jakarta/mail/jakarta.mail-api/2.1.5/jakarta.mail-api-2.1.5.jar:$M2/org/eclipse/angus/jakarta.mail/2.0.5/jakarta.mail-2.0.5.jar:$M2/jakarta/activation/jakarta.activation-api/2.1.4/jakarta.activation-api-2.1.4.jar:$M2/org/eclipse/angus/angus-activation/2.0.3/angus-activation-2.0.3.jar
java -cp "$JAR:$MAIL_CP" bench/audiences/MailReceiver.java "$SMTP_PORT" "$MAIL_DIR" \
  >"$WORK_DIR/logs/smtp-$STAMP.log" 2>&1 &
SMTP_PID=$!
trap 'stop_server; kill "$SMTP_PID" 2>/dev/null || true' EXIT INT TERM

# Restarts Shoal on the kept data with the jar $1; reports how long the start took.
restart_on_data() {
  cp "$1" "$JAR"
  stop_server
  local t0
  t0=$(date +%s)
  echo "starting $1 on the data (load $(cut -d' ' -f1-3 /proc/loadavg))" >&2
  env SHOAL_DATA_DIR="$DATA" SHOAL_HTTP_HOST=127.0.0.1 SHOAL_HTTP_PORT="$HTTP_PORT" \
    SHOAL_ADMIN_KEY=wk_admin_bench_reuse_$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n') \
    "${SERVER_ENV[@]}" java $JAVA_OPTS -jar "$JAR" >>"$LOG" 2>&1 &
  SERVER_PID=$!
  until curl -fs -m 5 "http://127.0.0.1:$HTTP_PORT/health/ready" >/dev/null 2>&1; do
    kill -0 "$SERVER_PID" 2>/dev/null || { echo "server died, see $LOG" >&2; exit 1; }
    sleep 0.5
  done
  local took=$(( $(date +%s) - t0 ))
  echo "{\"restart\":true,\"jar\":\"$1\",\"members\":$MEMBERS,\"start_s\":$took,\"load_after\":\"$(cut -d' ' -f1-3 /proc/loadavg)\"}" \
    | tee -a "$RESULTS"
}

# The exports (RUNS rounds of FORMATS) on the running server, then the expiry of their links.
exports() {
  local label=$1 links=$WORK_DIR/links-$STAMP-$1.jsonl
  for run in $(seq 1 "$RUNS"); do
    for fmt in $FORMATS; do
      echo "$label run $run/$RUNS $fmt: load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
      java -cp "$JAR" bench/audiences/ExportBench.java export "http://127.0.0.1:$HTTP_PORT" "$STORE_KEY" "$STORE_ID" \
        "$SEGMENT_ID" "$fmt" "$SERVER_PID" "$MAIL_DIR" "$links" | grep '^RESULT ' \
        | sed "s/^RESULT {/{\"build\":\"$label\",/" | tee -a "$RESULTS"
    done
  done
  echo "$label: waiting for the links to expire" >&2
  java -cp "$JAR" bench/audiences/ExportBench.java expiry "$links" | grep '^EXPIRY ' \
    | sed "s/^EXPIRY {/{\"build\":\"$label\",\"expiry\":true,/" | tee -a "$RESULTS"
}

if [[ $REUSE == 1 ]]; then
  source "$WORK_DIR/store.env"
  restart_on_data "$SRC_JAR"
  exports reuse
else
  start_server "$DATA" "$LOG" "${SERVER_ENV[@]}"
  echo "seeding $MEMBERS members (load $(cut -d' ' -f1-3 /proc/loadavg))" >&2
  java -cp "$JAR" bench/audiences/ExportBench.java setup "http://127.0.0.1:$HTTP_PORT" "$ADMIN" "$WORK_DIR/store.env"
  source "$WORK_DIR/store.env"
  java -cp "$JAR" bench/engine/Seed.java "$PG_PORT" "$STORE_ID" "$MEMBERS" >&2
  java -cp "$JAR" bench/audiences/ExportBench.java members "$PG_PORT" "$STORE_ID" "$SEGMENT_ID"
  echo "git $(git -C "$ROOT" rev-parse --short HEAD); jar $SRC_JAR; JAVA_OPTS=$JAVA_OPTS; $(nproc) cores" >&2
  # on the seeding server: its evaluator has not loaded these customers (an export reads the
  # metrics of members not in memory from their stored state, one query per page and partition)
  exports seeded
fi
for j in $RESTART_JARS; do
  restart_on_data "$j"
  exports "$(basename "$j" .jar)"
done
stop_server
if [[ ${KEEP_DATA:-0} != 1 ]]; then
  rm -rf "$DATA"
fi
echo "results: $RESULTS" >&2
