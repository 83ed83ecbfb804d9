#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# tests/pg/server.sh start DIR | stop DIR | halt DIR | resume DIR | conninfo DIR
#
# A private PostgreSQL server for the test suites: initdb into DIR/data, listening only
# on a unix socket in DIR (no TCP port), as an unprivileged user (PostgreSQL refuses to
# run as root: the suites use the "postgres" account of the Debian package, or create
# "kwhtest"). The superuser of the cluster is "kwh" with trust authentication on the
# socket only. "start" prints the libpq connection string of the server (no dbname);
# each suite creates its own database on it. fsync is off: a test server's data dies
# with the run. "halt" stops the server at once, as a crash or a power cut would (its data
# stays); "resume" starts it again. KWH_PG_DURABLE=1: fsync on, shared_buffers 1 GB (or
# KWH_PG_SHARED_BUFFERS), as a site's server runs, for the benchmark.
set -eu
cmd=${1:?usage: server.sh start|stop DIR}
dir=${2:?usage: server.sh start|stop DIR}
bin=${KWH_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
[ -x "$bin/initdb" ] || { echo "server.sh: no PostgreSQL server (make deps installs it)" >&2; exit 1; }

as_user() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u "$pguser" -- "$@"
    else
        "$@"
    fi
}

pguser=$(id -un)
if [ "$(id -u)" = 0 ]; then
    if id postgres >/dev/null 2>&1; then
        pguser=postgres
    else
        id kwhtest >/dev/null 2>&1 || useradd --system --no-create-home kwhtest
        pguser=kwhtest
    fi
fi

opts="-k $dir -c listen_addresses='' -c max_connections=100"
if [ "${KWH_PG_DURABLE:-0}" = 1 ]; then
    # a server as a site runs it (the benchmark): every commit on disk
    opts="$opts -c shared_buffers=${KWH_PG_SHARED_BUFFERS:-1GB}"
else
    # every commit reaches the kernel before it returns (a halted server keeps it); no
    # fsync: the kernel keeps it unless the machine itself goes down
    opts="$opts -c fsync=off -c full_page_writes=off"
fi

case $cmd in
start)
    mkdir -p "$dir"
    chmod 0755 "$dir"
    [ "$(id -u)" = 0 ] && chown "$pguser" "$dir"
    as_user "$bin/initdb" -D "$dir/data" -U kwh -A trust -E UTF8 --locale=C.UTF-8 --no-sync \
        >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
    as_user "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 -o "$opts" start \
        >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
    echo "host=$dir user=kwh"
    ;;
conninfo)
    echo "host=$dir user=kwh"
    ;;
halt)
    as_user "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null
    ;;
resume)
    as_user "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 -o "$opts" start \
        >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
    ;;
stop)
    [ -d "$dir/data" ] && as_user "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
*)
    echo "usage: server.sh start|stop|halt|resume DIR" >&2
    exit 2
    ;;
esac
