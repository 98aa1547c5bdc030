#!/bin/sh
# Creates the secret files docker/docker-compose.yml mounts, each a random value, in the folder
# given as $1 or DF_SECRETS_DIR (default: docker/secrets). Existing files are kept: run it again
# after adding a secret; delete a file (and change it inside PostgreSQL, see
# docker/postgres/10-roles-and-databases.sh) to rotate it.
#
#   docker/secrets.sh                 # docker/secrets/*
#   docker/secrets.sh /etc/delegation-flow/secrets
set -eu

dir=${1:-${DF_SECRETS_DIR:-$(dirname "$0")/secrets}}
umask 077
mkdir -p "$dir"

# URL-safe characters only: the database passwords end up in connection URLs.
random() { od -An -N32 -tx1 /dev/urandom | tr -d ' \n'; }

for name in postgres_password temporal_db_password app_db_password exporter_db_password jwt_secret metrics_token grafana_admin_password minio_root_password; do
  if [ -s "$dir/$name" ]; then
    echo "secrets: $dir/$name exists, kept"
  else
    random > "$dir/$name"
    echo "secrets: $dir/$name created"
  fi
done
# Payload encryption keys: `id:base64` of 32 random bytes, one per line, newest last (docs/security.md,
# "Key management": rotate by appending a new line, never by deleting one still needed to decrypt).
if [ -s "$dir/payload_keys" ]; then
  echo "secrets: $dir/payload_keys exists, kept"
else
  printf 'k-%s:%s\n' "$(date +%Y%m)" "$(head -c 32 /dev/urandom | base64)" > "$dir/payload_keys"
  echo "secrets: $dir/payload_keys created"
fi
# Containers run as other users (postgres 999, node 1000, nobody, grafana 472): readable by all on
# this host's folder, which itself stays 0700 for everyone but its owner.
chmod 0644 "$dir"/*
chmod 0700 "$dir"
