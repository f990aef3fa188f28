#!/bin/sh
# Capture throughput into fresh databases (PostgreSQL, then SQLite), with the time per stage
# (`hub bench capture` prints where the worker threads' time went). See BENCHMARKS.md.
#
#   bench/capture.sh                 # 200,000 events of seed 2 in documents of 1,000
#   DOCS=1000000 bench/capture.sh
#
# PG names a PostgreSQL server where the script may create and drop the database DB
# (`tracehub_capture`). HUB=path runs another build (BUILD=0 skips `cargo build`), e.g. to
# compare before and after; KEEP=1 keeps the databases.
set -eu
DOCS=${DOCS:-200000}
PG=${PG:-postgres://postgres@127.0.0.1:5432}
WORK=${WORK:-/tmp/tracehub-capture}
DB=${DB:-tracehub_capture}
HUB=${HUB:-./target/release/hub}

[ "${BUILD:-1}" = 0 ] || cargo build --release -p hub
mkdir -p "$WORK"
if [ ! -d "$WORK/docs-$DOCS" ]; then
    $HUB --data-dir "$WORK" gen supply-chain --events "$DOCS" --seed 2 --no-store --out "$WORK/docs-$DOCS"
fi

echo "== PostgreSQL"
psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS $DB" -qc "CREATE DATABASE $DB"
DATABASE_URL="$PG/$DB" $HUB --data-dir "$WORK" migrate 2>&1 | grep -v INFO || true
DATABASE_URL="$PG/$DB" $HUB --data-dir "$WORK" bench capture --dir "$WORK/docs-$DOCS" --threads 2 2>&1 | grep -v INFO
psql "$PG/$DB" -qAtc "VACUUM ANALYZE" \
    -c "SELECT relname, pg_relation_size(oid), pg_total_relation_size(oid) FROM pg_class WHERE relname IN ('epcis_events', 'epcis_event_nodes', 'lineage_edges', 'lineage_nodes') ORDER BY 1" \
    -c "SELECT 'database size: ' || pg_size_pretty(pg_database_size(current_database()))"
[ "${KEEP:-0}" = 1 ] || psql "$PG/postgres" -qc "DROP DATABASE $DB"

echo "== SQLite"
rm -rf "$WORK/sqlite" && mkdir -p "$WORK/sqlite"
$HUB --data-dir "$WORK/sqlite" migrate 2>&1 | grep -v INFO || true
$HUB --data-dir "$WORK/sqlite" bench capture --dir "$WORK/docs-$DOCS" --threads 2 2>&1 | grep -v INFO
sqlite3 "$WORK/sqlite/tracehub.db" "VACUUM; SELECT name, SUM(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC LIMIT 14"
ls -l "$WORK/sqlite"
[ "${KEEP:-0}" = 1 ] || rm -rf "$WORK/sqlite"
