#!/usr/bin/env bash
# Runs a command against a throw-away PostgreSQL 15 cluster: created in a temp folder, listening on a free
# loopback port, stopped and deleted afterwards. Exports DATABASE_URL for the command.
# The server refuses to run as root, so as root the cluster runs as the `postgres` system user.
set -euo pipefail
PGBIN="${PGBIN:-/usr/lib/postgresql/15/bin}"
[ -x "$PGBIN/initdb" ] || { echo "PostgreSQL 15 binaries not found in $PGBIN" >&2; exit 1; }
DATADIR="$(mktemp -d /tmp/verbund-pg.XXXXXX)"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
if [ "$(id -u)" -eq 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
  chown postgres "$DATADIR"
  AS=(runuser -u postgres --)
else
  AS=()
fi
cleanup() {
  "${AS[@]}" "$PGBIN/pg_ctl" -D "$DATADIR/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$DATADIR"
}
trap cleanup EXIT INT TERM
"${AS[@]}" "$PGBIN/initdb" -D "$DATADIR/data" -U verbund --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
"${AS[@]}" "$PGBIN/pg_ctl" -D "$DATADIR/data" -l "$DATADIR/server.log" -w -t 60 start \
  -o "-p $PORT -k $DATADIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100" >/dev/null
"${AS[@]}" "$PGBIN/createdb" -h 127.0.0.1 -p "$PORT" -U verbund verbund
export DATABASE_URL="postgres://verbund@127.0.0.1:$PORT/verbund"
echo "PostgreSQL 15 on 127.0.0.1:$PORT (throw-away, $DATADIR)"
"$@"
