#!/usr/bin/env bash
# Creates the PostgreSQL role and database for tracehub; safe to run again (an existing role gets
# the given password, an existing database is left as it is).
#
# Run as the PostgreSQL superuser, e.g.:
#   sudo -u postgres TRACEHUB_DB_PASSWORD='...' bash deployment/postgres/setup.sh
# Optional: TRACEHUB_DB_NAME, TRACEHUB_DB_USER (both default to tracehub), TRACEHUB_DB_LOCALE
# (default C.UTF-8: byte-order collation, which suits codes and does not change with glibc
# upgrades), and the usual libpq variables (PGHOST, PGPORT, PGUSER...) to reach the server.
#
# Names and the password reach the server as psql variables (:"name", :'literal'), so quotes in
# them are safe. With log_statement = ddl or all, the server log records CREATE/ALTER ROLE with
# the password: turn that off while this runs.
set -euo pipefail

: "${TRACEHUB_DB_PASSWORD:?set TRACEHUB_DB_PASSWORD to the password of the tracehub role}"
db_name="${TRACEHUB_DB_NAME:-tracehub}"
db_user="${TRACEHUB_DB_USER:-tracehub}"
db_locale="${TRACEHUB_DB_LOCALE:-C.UTF-8}"

run_psql() {
  psql -X -q -v ON_ERROR_STOP=1 \
    -v db_name="$db_name" -v db_user="$db_user" -v db_password="$TRACEHUB_DB_PASSWORD" \
    -v db_locale="$db_locale" "$@"
}

role_exists=$(run_psql -d postgres -tA <<'SQL'
SELECT count(*) FROM pg_roles WHERE rolname = :'db_user';
SQL
)
if [ "$role_exists" = "0" ]; then
  run_psql -d postgres <<'SQL'
CREATE ROLE :"db_user" LOGIN PASSWORD :'db_password';
SQL
  echo "created role ${db_user}"
else
  run_psql -d postgres <<'SQL'
ALTER ROLE :"db_user" LOGIN PASSWORD :'db_password';
SQL
  echo "role ${db_user} exists; login enabled and password set"
fi

db_exists=$(run_psql -d postgres -tA <<'SQL'
SELECT count(*) FROM pg_database WHERE datname = :'db_name';
SQL
)
if [ "$db_exists" = "0" ]; then
  # CREATE DATABASE cannot run in a transaction block nor take a bound parameter: psql quotes
  # the identifiers itself.
  run_psql -d postgres <<'SQL'
CREATE DATABASE :"db_name" OWNER :"db_user" ENCODING 'UTF8' LC_COLLATE :'db_locale' LC_CTYPE :'db_locale' TEMPLATE template0;
SQL
  echo "created database ${db_name} (UTF8, ${db_locale})"
else
  encoding=$(run_psql -d postgres -tA <<'SQL'
SELECT pg_encoding_to_char(encoding) FROM pg_database WHERE datname = :'db_name';
SQL
)
  if [ "$encoding" != "UTF8" ]; then
    echo "database ${db_name} exists with encoding ${encoding}; tracehub needs UTF8" >&2
    exit 1
  fi
  echo "database ${db_name} exists (UTF8)"
fi

# The hub creates its tables itself (migrations at start-up): it owns the database and its public
# schema, and nobody else may create objects there.
run_psql -d "$db_name" <<'SQL'
ALTER DATABASE :"db_name" OWNER TO :"db_user";
ALTER SCHEMA public OWNER TO :"db_user";
-- Enterprise name search uses trigrams; pg_trgm is a trusted extension the owner could create
-- itself, created here so that a server with it restricted fails now rather than at migration.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
REVOKE ALL ON DATABASE :"db_name" FROM PUBLIC;
SQL

# Percent-encode the user and password for the URL (RFC 3986 unreserved characters stay).
urlencode() {
  local LC_ALL=C s="$1" out="" c i
  for ((i = 0; i < ${#s}; i++)); do
    c="${s:i:1}"
    case "$c" in
      [A-Za-z0-9._~-]) out+="$c" ;;
      *) out+=$(printf '%%%02X' "'$c") ;;
    esac
  done
  printf '%s' "$out"
}

host="${PGHOST:-127.0.0.1}"
case "$host" in /*) host=127.0.0.1 ;; esac # a socket directory: the hub connects over TCP
echo
echo "Set this in the hub's configuration (database.url) or environment; it holds the password:"
echo "DATABASE_URL=postgres://$(urlencode "$db_user"):$(urlencode "$TRACEHUB_DB_PASSWORD")@${host}:${PGPORT:-5432}/$(urlencode "$db_name")"
