#!/bin/bash
# A throwaway PostgreSQL 15 cluster for the tests: `start DIR` makes one in DIR (initdb, as an unprivileged user when
# run as root), listening on a Unix socket in DIR only (no TCP), with an empty database `sipscope` in SQL_ASCII (SIP
# text is bytes, not always UTF-8); `stop DIR` stops it and removes DIR; `url DIR` prints the libpq URL of it.
# POSTGRES_SETTINGS: server settings for start (default "-c fsync=off": a test cluster need not survive a power cut;
# bench/postgres.sh keeps fsync on).
set -euo pipefail
action=${1:?usage: postgres_cluster.sh start|stop|url DIR}
dir=${2:?usage: postgres_cluster.sh start|stop|url DIR}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
port=54329
owner=$(id -un)
as_owner() { "$@"; }
if [ "$(id -u)" = 0 ]; then
    owner=postgres
    id postgres >/dev/null 2>&1 || owner=nobody
    as_owner() { runuser -u "$owner" -- "$@"; }
fi
url="postgresql:///sipscope?host=$dir&port=$port&user=$owner"

case "$action" in
url) echo "$url" ;;
start)
    [ -x "$bin/initdb" ] || { echo "postgres_cluster.sh: PostgreSQL is not installed (setup.sh deps installs postgresql-15)" >&2; exit 2; }
    if [ -d "$dir" ]; then "$0" stop "$dir" || true; fi
    mkdir -p "$dir"
    chown "$owner" "$dir" 2>/dev/null || true
    as_owner "$bin/initdb" -D "$dir/data" -A trust -U "$owner" -E SQL_ASCII --locale=C >"$dir/initdb.log" 2>&1 ||
        { cat "$dir/initdb.log" >&2; exit 1; }
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start \
        -o "-c listen_addresses='' -c unix_socket_directories='$dir' -p $port -c max_connections=200 ${POSTGRES_SETTINGS--c fsync=off}" \
        >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
    as_owner "$bin/createdb" -h "$dir" -p "$port" -E SQL_ASCII -T template0 sipscope
    echo "$url"
    ;;
stop)
    if [ -d "$dir/data" ]; then
        as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    ;;
*) echo "postgres_cluster.sh: unknown action $action" >&2; exit 1 ;;
esac
