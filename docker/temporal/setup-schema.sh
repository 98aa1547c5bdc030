#!/bin/sh
# One-shot, in temporalio/admin-tools, before the Temporal server starts: brings Temporal's two
# PostgreSQL databases to the schema version this admin-tools release ships. This is what the
# deprecated temporalio/auto-setup image used to do inside the server container.
#
# The databases exist already: docker/postgres/10-roles-and-databases.sh creates them owned by the
# role `temporal`, which may not create databases (no superuser, no CREATEDB). Against a managed
# PostgreSQL, create the role and the two databases the same way first (docs/deployment.md).
#
# Idempotent, so it runs on every `docker compose up`: `setup-schema -v 0.0` leaves an already
# versioned schema alone, and `update-schema` applies only the versions still missing. Upgrading
# Temporal = bump the server AND admin-tools tags together; this step then migrates the schema
# before the new server starts.
#
# Connection from the environment: SQL_HOST, SQL_PORT, SQL_USER, SQL_TLS, and SQL_PASSWORD or the
# file SQL_PASSWORD_FILE (temporal-sql-tool reads SQL_PASSWORD itself, keeping it off the command line).
set -eu

if [ -n "${SQL_PASSWORD_FILE:-}" ]; then
  [ -s "$SQL_PASSWORD_FILE" ] || { echo "temporal-schema: SQL_PASSWORD_FILE ($SQL_PASSWORD_FILE) is missing or empty" >&2; exit 64; }
  SQL_PASSWORD=$(cat "$SQL_PASSWORD_FILE")
  export SQL_PASSWORD
fi

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
  until sql "$db" setup-schema -v 0.0; do
    if [ "$attempt" -ge 10 ]; then
      echo "temporal-schema: cannot set up the schema of database ${db} (does it exist, owned by ${SQL_USER:-temporal}?)" >&2
      exit 1
    fi
    attempt=$((attempt + 1))
    sleep 3
  done
  sql "$db" update-schema -d "$SCHEMA_ROOT/$dir/versioned"
}

setup "${TEMPORAL_DB:-temporal}" temporal
setup "${TEMPORAL_VISIBILITY_DB:-temporal_visibility}" visibility
echo "temporal-schema: done"
