#!/usr/bin/env bash
# Creates the tracehub role and database on a PostgreSQL server; safe to run again.
# (Variables reach psql through -v and standard input, so the password is quoted safely.)
# Run as the PostgreSQL superuser, e.g.:
#   sudo -u postgres TRACEHUB_DB_PASSWORD='...' bash deployment/postgres/setup.sh
# Optional: PGHOST, PGPORT (standard libpq variables), TRACEHUB_DB_NAME, TRACEHUB_DB_USER.
set -euo pipefail

: "${TRACEHUB_DB_PASSWORD:?set TRACEHUB_DB_PASSWORD to the password for the tracehub role}"
db_name="${TRACEHUB_DB_NAME:-tracehub}"
db_user="${TRACEHUB_DB_USER:-tracehub}"

psql_admin() { psql -v ON_ERROR_STOP=1 -X -q "$@"; }

if [ "$(psql_admin -tAc "SELECT 1 FROM pg_roles WHERE rolname = '${db_user}'")" != "1" ]; then
  psql_admin -v user="$db_user" -v password="$TRACEHUB_DB_PASSWORD" \
    <<<"CREATE ROLE :\"user\" LOGIN PASSWORD :'password';"
  echo "created role ${db_user}"
else
  psql_admin -v user="$db_user" -v password="$TRACEHUB_DB_PASSWORD" \
    <<<"ALTER ROLE :\"user\" LOGIN PASSWORD :'password';"
  echo "role ${db_user} exists; password updated"
fi

if [ "$(psql_admin -tAc "SELECT 1 FROM pg_database WHERE datname = '${db_name}'")" != "1" ]; then
  psql_admin -c "CREATE DATABASE \"${db_name}\" OWNER \"${db_user}\" ENCODING 'UTF8' TEMPLATE template0"
  echo "created database ${db_name}"
else
  echo "database ${db_name} exists"
fi
psql_admin -d "$db_name" -c "REVOKE ALL ON SCHEMA public FROM PUBLIC; GRANT ALL ON SCHEMA public TO \"${db_user}\""

host="${PGHOST:-127.0.0.1}"
case "$host" in /*) host=127.0.0.1 ;; esac
echo "DATABASE_URL=postgres://${db_user}:PASSWORD@${host}:${PGPORT:-5432}/${db_name}"
