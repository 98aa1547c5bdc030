#!/bin/sh
# Entrypoint of the app image: turns secrets mounted as files into the environment variables the
# programs read (libs/runtime/src/config.ts reads the environment only), then execs the command.
#
#   JWT_SECRET_FILE, METRICS_TOKEN_FILE, DEMO_PASSWORD_FILE, DATABASE_URL_FILE, S3_SECRET_ACCESS_KEY_FILE
#       -> JWT_SECRET, METRICS_TOKEN, DEMO_PASSWORD, DATABASE_URL, S3_SECRET_ACCESS_KEY (the file's content, trailing newline dropped)
#   DATABASE_PASSWORD_FILE
#       -> the password inserted, URL-encoded, into DATABASE_URL (given without one:
#          postgres://delegation_flow@postgresql:5432/delegation_flow)
#
# Refuses to start (exit 64) when a named file is missing or empty, or when both X and X_FILE are set:
# an empty secret must never silently become "no secret". PAYLOAD_KEYS_FILE and TEMPORAL_API_KEY_FILE
# are read by the programs themselves and left alone here.
set -eu

die() {
  echo "df-entrypoint: $*" >&2
  exit 64
}

read_secret() { # name of the *_FILE variable -> content on stdout
  file=$(eval "printf %s \"\${$1:-}\"")
  [ -r "$file" ] || die "$1=$file: file missing or not readable (未找到密钥文件)"
  [ -s "$file" ] || die "$1=$file: file is empty (密钥文件为空)"
  # Command substitution drops trailing newlines, as `echo secret > file` leaves one.
  cat "$file"
}

for name in JWT_SECRET METRICS_TOKEN DEMO_PASSWORD DATABASE_URL S3_SECRET_ACCESS_KEY; do
  if [ -n "$(eval "printf %s \"\${${name}_FILE:-}\"")" ]; then
    [ -z "$(eval "printf %s \"\${$name:-}\"")" ] || die "set $name or ${name}_FILE, not both"
    value=$(read_secret "${name}_FILE")
    export "$name=$value"
    unset "${name}_FILE"
  fi
done

if [ -n "${DATABASE_PASSWORD_FILE:-}" ]; then
  [ -n "${DATABASE_URL:-}" ] || die "DATABASE_PASSWORD_FILE needs DATABASE_URL (without a password)"
  password=$(read_secret DATABASE_PASSWORD_FILE)
  DATABASE_URL=$(DF_URL="$DATABASE_URL" DF_PASSWORD="$password" node -e '
    const url = new URL(process.env.DF_URL);
    if (url.password) { console.error("df-entrypoint: DATABASE_URL already has a password; drop it or DATABASE_PASSWORD_FILE"); process.exit(64); }
    url.password = encodeURIComponent(process.env.DF_PASSWORD);
    process.stdout.write(url.href);
  ') || exit 64
  export DATABASE_URL
  unset DATABASE_PASSWORD_FILE password
fi

exec "$@"
