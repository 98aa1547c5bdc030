#!/bin/sh
# Runs once, when the postgres image initialises an empty data volume (/docker-entrypoint-initdb.d),
# as the superuser `postgres`, which nothing else uses afterwards. Creates one role per consumer,
# none of them a superuser, and the databases each owns:
#
#   temporal         owns temporal, temporal_visibility  (the Temporal server and temporal-schema)
#   delegation_flow  owns delegation_flow                (migrate, api, worker)
#   metrics          pg_monitor + read-only on delegation_flow's tables (postgres-exporter)
#
# Owning a database is all the schema tools need (PostgreSQL 15+: the owner may create in `public`).
# Passwords come from the secret files named by *_PASSWORD_FILE (docker-compose.yml).
#
# Executable, so the entrypoint runs it in its own shell (a non-executable .sh would be sourced into
# the entrypoint instead; hence no `set -u` here).
#
# A password changed later does not touch an existing volume; then run, for example,
#   docker compose -f docker/docker-compose.yml exec postgresql \
#     psql -U postgres -c "ALTER ROLE delegation_flow PASSWORD 'new-password'"
set -e

secret() { # *_FILE variable name -> content; refuses missing or empty files
  file=$(eval "printf %s \"\${$1:-}\"")
  if [ ! -s "$file" ]; then
    echo "10-roles-and-databases: $1 ($file) is missing or empty" >&2
    exit 1
  fi
  cat "$file"
}

psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v temporal_password="$(secret TEMPORAL_DB_PASSWORD_FILE)" \
  -v app_password="$(secret APP_DB_PASSWORD_FILE)" \
  -v metrics_password="$(secret EXPORTER_DB_PASSWORD_FILE)" <<'SQL'
CREATE ROLE temporal LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'temporal_password';
CREATE DATABASE temporal OWNER temporal ENCODING 'UTF8';
CREATE DATABASE temporal_visibility OWNER temporal ENCODING 'UTF8';

CREATE ROLE delegation_flow LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'app_password';
CREATE DATABASE delegation_flow OWNER delegation_flow ENCODING 'UTF8';

CREATE ROLE metrics LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'metrics_password';
GRANT pg_monitor TO metrics;
SQL

# Read-only for the exporter on the tables the migrations will create (owned by delegation_flow).
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname delegation_flow <<'SQL'
GRANT CONNECT ON DATABASE delegation_flow TO metrics;
GRANT USAGE ON SCHEMA public TO metrics;
ALTER DEFAULT PRIVILEGES FOR ROLE delegation_flow IN SCHEMA public GRANT SELECT ON TABLES TO metrics;
SQL
