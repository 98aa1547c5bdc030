#!/bin/sh
# Runs once, when the postgres image initialises an empty data volume (/docker-entrypoint-initdb.d).
# Creates the application's own role and database next to Temporal's (temporal, temporal_visibility,
# which the temporal-schema service creates). The app role is not a superuser; it owns its database,
# so the migrations can create tables in its public schema.
#
# Executable, so the entrypoint runs it in its own shell (a non-executable .sh would be sourced into
# the entrypoint instead; hence no `set -u` here).
#
# Changing APP_DB_PASSWORD later does not touch an existing volume; then run
#   docker compose -f docker/docker-compose.yml exec postgresql \
#     psql -U temporal -c "ALTER ROLE delegation_flow PASSWORD 'new-password'"
set -e

psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v app_password="${APP_DB_PASSWORD:?APP_DB_PASSWORD must be set}" <<'SQL'
CREATE ROLE delegation_flow LOGIN PASSWORD :'app_password';
CREATE DATABASE delegation_flow OWNER delegation_flow ENCODING 'UTF8';
SQL
