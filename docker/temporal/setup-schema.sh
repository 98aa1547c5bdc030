#!/bin/sh
# One-shot, in temporalio/admin-tools, before the Temporal server starts: creates Temporal's two
# PostgreSQL databases and brings their schemas to the version this admin-tools release ships.
# This is what the deprecated temporalio/auto-setup image used to do inside the server container.
#
# Idempotent, so it runs on every `docker compose up`: `create` ignores an existing database,
# `setup-schema -v 0.0` leaves an already versioned schema alone, and `update-schema` applies only
# the versions still missing. Upgrading Temporal = bump the server AND admin-tools tags together;
# this step then migrates the schema before the new server starts.
#
# Connection from the environment: SQL_HOST, SQL_PORT, SQL_USER, and SQL_PASSWORD (which
# temporal-sql-tool reads itself, keeping the password off the command line).
set -eu

SCHEMA_ROOT=/etc/temporal/schema/postgresql/v12

sql() {
  temporal-sql-tool --plugin postgres12 --ep "${SQL_HOST:-postgresql}" -p "${SQL_PORT:-5432}" \
    -u "${SQL_USER:-temporal}" --db "$@"
}

setup() {
  db=$1
  dir=$2
  echo "temporal-schema: database ${db}"
  # PostgreSQL is healthy before this runs; still, allow it a few seconds to accept logins.
  attempt=1
  until sql "$db" create; do
    if [ "$attempt" -ge 10 ]; then
      echo "temporal-schema: cannot create database ${db}" >&2
      exit 1
    fi
    attempt=$((attempt + 1))
    sleep 3
  done
  sql "$db" setup-schema -v 0.0
  sql "$db" update-schema -d "$SCHEMA_ROOT/$dir/versioned"
}

setup "${TEMPORAL_DB:-temporal}" temporal
setup "${TEMPORAL_VISIBILITY_DB:-temporal_visibility}" visibility
echo "temporal-schema: done"
