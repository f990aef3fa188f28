#!/bin/sh
# The trace, recall and capture benchmarks of BENCHMARKS.md, on PostgreSQL and SQLite.
#
#   bench/trace.sh            # 10 million events (PostgreSQL 22 GB, SQLite 15 GB; ~1 h in all)
#   N=1000000 bench/trace.sh  # a smaller world
#
# PG names a PostgreSQL server where the script may create and drop `tracehub_bench`.
# Each database is dropped after its run unless KEEP=1.
set -eu
N=${N:-10000000}
DOCS=${DOCS:-1000000}
PG=${PG:-postgres://postgres@127.0.0.1:5432}
WORK=${WORK:-/tmp/tracehub-bench}
HUB=./target/release/hub

cargo build --release -p hub
mkdir -p "$WORK"
rm -rf "$WORK/docs"
echo "== documents for the capture benchmark ($DOCS events, seed 2)"
$HUB --data-dir "$WORK" gen supply-chain --events "$DOCS" --seed 2 --no-store --out "$WORK/docs"

echo "== PostgreSQL"
psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS tracehub_bench" -qc "CREATE DATABASE tracehub_bench"
export DATABASE_URL="$PG/tracehub_bench"
/usr/bin/time -v $HUB --data-dir "$WORK" gen supply-chain --events "$N" --seed 1 2>&1 | grep -v INFO
psql "$DATABASE_URL" -qc "VACUUM ANALYZE"
psql "$DATABASE_URL" -c "SELECT pg_size_pretty(pg_database_size(current_database())) AS size"
$HUB --data-dir "$WORK" bench recall --seed 1 --lots 20 --runs 5 2>&1 | grep -v INFO
$HUB --data-dir "$WORK" bench capture --dir "$WORK/docs" --threads 2 2>&1 | grep -v INFO
[ "${KEEP:-0}" = 1 ] || psql "$PG/postgres" -qc "DROP DATABASE tracehub_bench"
unset DATABASE_URL

echo "== SQLite"
rm -rf "$WORK/sqlite" && mkdir -p "$WORK/sqlite"
/usr/bin/time -v $HUB --data-dir "$WORK/sqlite" gen supply-chain --events "$N" --seed 1 2>&1 | grep -v INFO
ls -l "$WORK/sqlite"
$HUB --data-dir "$WORK/sqlite" bench recall --seed 1 --lots 20 --runs 5 2>&1 | grep -v INFO
$HUB --data-dir "$WORK/sqlite" bench capture --dir "$WORK/docs" --threads 2 2>&1 | grep -v INFO
[ "${KEEP:-0}" = 1 ] || rm -rf "$WORK/sqlite"
