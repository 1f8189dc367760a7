#!/usr/bin/env bash
# A private PostgreSQL server for tests and local runs, from Debian's packages.
#   pg.sh up      install (Debian packages, as root) if missing, init once, start; idempotent
#   pg.sh down    stop it
#   pg.sh url     print the URL of the server
# Env: BANSO_PG_PORT (55432), BANSO_PG_DIR (/tmp/banso-postgres-$BANSO_PG_PORT).
set -euo pipefail

PORT="${BANSO_PG_PORT:-55432}"
DIR="${BANSO_PG_DIR:-/tmp/banso-postgres-$PORT}"
URL="postgresql://postgres@127.0.0.1:$PORT/postgres"

find_bin() {
  local candidate
  if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then
    pg_config --bindir; return 0
  fi
  for candidate in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [ -x "$candidate/initdb" ] && { echo "$candidate"; return 0; }
  done
  return 1
}

as_owner() {
  if [ "$(id -u)" = "0" ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

install_if_missing() {
  find_bin >/dev/null && return 0
  if [ "$(id -u)" != "0" ]; then
    echo "PostgreSQL is not installed; install Debian's 'postgresql' package (needs root)." >&2
    exit 1
  fi
  echo "installing PostgreSQL from Debian packages..." >&2
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  # Debian starts a default cluster on 5432; this script runs its own, so stop that one.
  service postgresql stop >/dev/null 2>&1 || true
}

is_up() {
  local bin; bin="$(find_bin)" || return 1
  "$bin/pg_isready" -q -h 127.0.0.1 -p "$PORT" -U postgres
}

up() {
  install_if_missing
  is_up && { echo "$URL"; return 0; }
  local bin; bin="$(find_bin)"
  mkdir -p "$DIR"
  [ "$(id -u)" = "0" ] && chown postgres:postgres "$DIR"
  if [ ! -f "$DIR/data/PG_VERSION" ]; then
    as_owner "$bin/initdb" -D "$DIR/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  as_owner "$bin/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 60 \
    -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=on" start >/dev/null
  for _ in $(seq 1 60); do is_up && break; sleep 0.5; done
  is_up || { echo "PostgreSQL did not start; see $DIR/server.log" >&2; tail -20 "$DIR/server.log" >&2; exit 1; }
  echo "$URL"
}

down() {
  local bin; bin="$(find_bin)" || return 0
  [ -f "$DIR/data/postmaster.pid" ] || return 0
  as_owner "$bin/pg_ctl" -D "$DIR/data" -m fast -w stop >/dev/null || true
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  url) echo "$URL" ;;
  *) echo "usage: $0 up|down|url" >&2; exit 2 ;;
esac
