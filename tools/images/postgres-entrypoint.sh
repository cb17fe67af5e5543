#!/bin/bash
# The todo-events/postgres image's entrypoint: one PostgreSQL 15 server (Debian's package), its
# data in $PGDATA (a volume), made on first start and kept across restarts:
#   POSTGRES_USER (todo), POSTGRES_PASSWORD (required the first time), POSTGRES_DB (todo)
#   /docker-entrypoint-initdb.d/*.sql  run once in POSTGRES_DB after it is made, as the official
#                                      image does (k8s/postgres makes the apps' databases so)
# Connections from other hosts sign in with the password (scram-sha-256); the socket is in
# /var/run/postgresql (a volume: the root filesystem is read-only).
set -euo pipefail
PGDATA=${PGDATA:-/var/lib/postgresql/data}
USER_NAME=${POSTGRES_USER:-todo}
DB=${POSTGRES_DB:-todo}
SOCKETS=/var/run/postgresql
if [[ ! -s "$PGDATA/PG_VERSION" ]]; then
  [[ -n "${POSTGRES_PASSWORD:-}" ]] || { echo "[postgres] ERROR: POSTGRES_PASSWORD is not set" >&2; exit 1; }
  mkdir -p "$PGDATA"
  pw=$SOCKETS/.pw # a writable volume in every deployment (the root is read-only)
  (umask 077; printf '%s' "$POSTGRES_PASSWORD" >"$pw")
  initdb -D "$PGDATA" -U "$USER_NAME" --pwfile="$pw" -E UTF8 --locale=C.UTF-8 \
    --auth-local=trust --auth-host=scram-sha-256 >/dev/null
  rm -f "$pw"
  echo "host all all 0.0.0.0/0 scram-sha-256" >>"$PGDATA/pg_hba.conf"
  # The database, with no network listener yet: only this script can reach the server.
  pg_ctl -D "$PGDATA" -w -s -o "-c listen_addresses='' -c unix_socket_directories=$SOCKETS" start
  [[ "$DB" == postgres ]] || psql -q -v ON_ERROR_STOP=1 -h "$SOCKETS" -U "$USER_NAME" -d postgres \
    -c "CREATE DATABASE \"$DB\""
  for f in /docker-entrypoint-initdb.d/*.sql; do
    [[ -f "$f" ]] || continue
    psql -q -v ON_ERROR_STOP=1 -h "$SOCKETS" -U "$USER_NAME" -d "$DB" -f "$f"
    echo "[postgres] ran $f" >&2
  done
  pg_ctl -D "$PGDATA" -w -s stop
  echo "[postgres] made $PGDATA: user $USER_NAME, database $DB" >&2
fi
exec postgres -D "$PGDATA" -c listen_addresses='*' -c unix_socket_directories="$SOCKETS"
