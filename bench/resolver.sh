#!/bin/sh
# The resolver throughput benchmark of BENCHMARKS.md: a release hub on loopback serving
# activated stamps, scanned at random by wrk (JSON and the HTML page), on PostgreSQL and SQLite.
#
#   bench/resolver.sh                       # 100,000 stamps, 30 s per run
#   STAMPS=1000000 DURATION=60s bench/resolver.sh
#   HUB=./target/debug/hub DURATION=5s bench/resolver.sh   # a quick check of the script
#
# PG names a PostgreSQL server where the script may create and drop `tracehub_resolver_bench`.
# Needs wrk (`apt-get install -y wrk`). The load generator runs under `nice`; on a 2-core
# machine it shares the cores with the hub.
set -eu
STAMPS=${STAMPS:-100000}
DURATION=${DURATION:-30s}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-1}
WORKERS=${WORKERS:-2}
PG=${PG:-postgres://postgres@127.0.0.1:5432}
WORK=${WORK:-/tmp/tracehub-resolver}
PORT=${PORT:-18089}
BACKENDS=${BACKENDS:-postgres sqlite}
HUB=${HUB:-./target/release/hub}
HERE=$(dirname "$0")

[ "$HUB" != ./target/release/hub ] || cargo build --release -p hub
mkdir -p "$WORK"
export HUB_SECURITY__SECRET_KEY=${HUB_SECURITY__SECRET_KEY:-$(openssl rand -hex 32)}
export HUB_SERVER__BIND="127.0.0.1:$PORT"
export HUB_SERVER__WORKERS="$WORKERS"
export HUB_SERVER__PUBLIC_URL="http://127.0.0.1:$PORT"
export RUST_LOG=${RUST_LOG:-warn}

run() {
  backend=$1
  echo "== $backend: $STAMPS stamps"
  $HUB --data-dir "$WORK/data" bench resolver-data --stamps "$STAMPS" --out "$WORK/paths.txt" 2>&1 | grep -v INFO
  $HUB --data-dir "$WORK/data" serve > "$WORK/serve.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 100); do
    curl -fs "http://127.0.0.1:$PORT/healthz" > /dev/null 2>&1 && break
    sleep 0.1
  done
  path=$(head -1 "$WORK/paths.txt")
  curl -fs -H 'accept: application/json' "http://127.0.0.1:$PORT$path" | head -c 300; echo
  for accept in application/json text/html; do
    echo "-- $backend, Accept: $accept, $CONNECTIONS connections, $DURATION"
    # warm-up (story cache, connections), then the measured run
    PATHS="$WORK/paths.txt" ACCEPT=$accept nice wrk -t"$THREADS" -c"$CONNECTIONS" -d5s \
      -s "$HERE/resolver.lua" "http://127.0.0.1:$PORT" > /dev/null
    PATHS="$WORK/paths.txt" ACCEPT=$accept nice wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" \
      --latency -s "$HERE/resolver.lua" "http://127.0.0.1:$PORT"
  done
  kill -TERM $pid
  wait $pid || true
}

case " $BACKENDS " in *" postgres "*)
  psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS tracehub_resolver_bench" -qc "CREATE DATABASE tracehub_resolver_bench"
  export DATABASE_URL="$PG/tracehub_resolver_bench"
  rm -rf "$WORK/data"
  run postgres
  psql "$DATABASE_URL" -tAc "SELECT 'scans logged: ' || count(*) FROM stamp_scans"
  unset DATABASE_URL
  [ "${KEEP:-0}" = 1 ] || psql "$PG/postgres" -qc "DROP DATABASE tracehub_resolver_bench"
esac

case " $BACKENDS " in *" sqlite "*)
  rm -rf "$WORK/data"
  run sqlite
  echo "scans logged: $(sqlite3 "$WORK/data/tracehub.db" 'SELECT count(*) FROM stamp_scans' 2>/dev/null || echo '?')"
  [ "${KEEP:-0}" = 1 ] || rm -rf "$WORK/data"
esac
