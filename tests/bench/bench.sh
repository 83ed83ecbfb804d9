#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# bench BUILD_DIR: the performance benchmark of docs/performance.md (not a test).
#
#   1. a site of 1,000,000 accounts and 10,000,000 sales (tests/tools/benchgen), made
#      once in $KWH_BENCH_DIR (default /tmp/kwhpos-bench, about 1.5 GB free needed) and
#      reused; KWH_BENCH_REGEN=1 makes it again; BENCH_CUSTOMERS / BENCH_SALES resize it;
#   2. p50/p99 of lookups, the total balance, reports, queries, sale commits and backup
#      through the core (tests/tools/benchrun);
#   3. kwhpos as a program: start-up to the first screen (the TUI's login dialog in a
#      private tmux at 80x24) and its peak RSS there; start-up of a command for
#      comparison;
#   4. the same site on PostgreSQL (a private server of its own in $DIR/pg, fsync on, a
#      unix socket), loaded once with COPY (tests/bench/pg-load.sh), and the core's
#      measures of step 2 on it. KWH_BENCH_PG=0 leaves it out.
set -u
B=${1:-build}
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
KWHPOS=$top/$B/kwhpos
TOOLS=$top/$B/tests/tools
DIR=${KWH_BENCH_DIR:-${TMPDIR:-/tmp}/kwhpos-bench}
CUSTOMERS=${BENCH_CUSTOMERS:-1000000}
SALES=${BENCH_SALES:-10000000}
export LC_ALL=C.UTF-8

for f in "$KWHPOS" "$TOOLS/benchgen" "$TOOLS/benchrun"; do
    [ -x "$f" ] || { echo "bench: no $f: run make first" >&2; exit 1; }
done
mkdir -p "$DIR" || exit 1
stamp=$DIR/site.$CUSTOMERS.$SALES
echo "== kwhpos benchmark: $CUSTOMERS accounts, $SALES sales, in $DIR"
echo "   $(nproc) CPUs, $(awk '/MemTotal/ {printf "%d MB", $2 / 1024}' /proc/meminfo) RAM," \
    "load $(cut -d' ' -f1-3 /proc/loadavg), SQLite $(sqlite3 --version 2>/dev/null | cut -d' ' -f1)"

if [ ! -f "$stamp" ] || [ "${KWH_BENCH_REGEN:-0}" = 1 ]; then
    echo "== generating the site"
    rm -f "$DIR"/site.db* "$DIR"/site.*.*
    /usr/bin/time -f "generation: %e s wall, %U s user, %S s system, %M KB peak" \
        "$TOOLS/benchgen" --db "$DIR/site.db" --customers "$CUSTOMERS" --sales "$SALES" ||
        { echo "bench: generation failed" >&2; exit 1; }
    touch "$stamp"
else
    echo "== reusing the site made earlier (KWH_BENCH_REGEN=1 to make it again)"
fi
ls -l "$DIR/site.db" | awk '{printf "database: %d MB\n", $5 / 1048576}'

echo "== the core"
rm -rf "$DIR/backups"
"$TOOLS/benchrun" --db "$DIR/site.db" --backup-dir "$DIR/backups" || exit 1
rm -rf "$DIR/backups"

echo "== the program"
# a command's start-up: the database opened and one setting read
ms() { echo $(($(date +%s%N) / 1000000)); }
times=()
rss=0
for _ in $(seq 20); do
    t0=$(ms)
    r=$( { /usr/bin/time -f "%M" "$KWHPOS" --db "$DIR/site.db" settings show >/dev/null; } 2>&1 )
    times+=($(($(ms) - t0)))
    [ "$r" -gt "$rss" ] && rss=$r
done
sorted=$(printf '%s\n' "${times[@]}" | sort -n)
printf 'command start-up (settings show)    p50 %s ms, max %s ms, peak RSS %d KB\n' \
    "$(printf '%s\n' "$sorted" | sed -n 10p)" "$(printf '%s\n' "$sorted" | tail -n 1)" "$rss"

if command -v tmux >/dev/null; then
    ini=$DIR/bench.ini
    printf '[database]\npath = %s\n[ui]\nlanguage = en\n' "$DIR/site.db" >"$ini"
    starts=()
    hwm=0
    for i in $(seq 10); do
        # a server of its own each time: a killed server takes a moment to let go
        sock=kwhbench$$-$i
        tm() { tmux -L "$sock" -f /dev/null "$@"; }
        t0=$(ms)
        tm new-session -d -x 80 -y 24 -s b "env TERM=xterm-256color LC_ALL=C.UTF-8 $KWHPOS -c $ini"
        seen=0
        for _ in $(seq 5000); do
            tm capture-pane -p -t b 2>/dev/null | grep -q 'kwhpos login' && seen=1 && break
        done
        t1=$(ms)
        pid=$(tm list-panes -t b -F '#{pane_pid}' 2>/dev/null)
        h=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status" 2>/dev/null)
        tm kill-server 2>/dev/null
        [ "$seen" = 1 ] || { echo "bench: the TUI did not show its login screen" >&2; continue; }
        starts+=($((t1 - t0)))
        [ "${h:-0}" -gt "$hwm" ] && hwm=$h
    done
    sorted=$(printf '%s\n' "${starts[@]}" | sort -n)
    printf 'TUI start-up to the login screen    p50 %s ms, max %s ms, peak RSS %d KB%s\n' \
        "$(printf '%s\n' "$sorted" | sed -n "$(((${#starts[@]} + 1) / 2))p")" \
        "$(printf '%s\n' "$sorted" | tail -n 1)" "$hwm" \
        "$([ "$hwm" -le 6144 ] && echo ' (goal 6 MB: met)' || echo ' (goal 6 MB: MISSED)')"
else
    echo "TUI start-up: tmux is not installed, not measured"
fi

if [ "${KWH_BENCH_PG:-1}" = 1 ]; then
    echo "== PostgreSQL"
    PGD=$DIR/pg
    export KWH_PG_DURABLE=1
    pgstamp=$DIR/pg.$CUSTOMERS.$SALES
    if [ ! -f "$pgstamp" ] || [ ! -d "$PGD/data" ] || [ "${KWH_BENCH_REGEN:-0}" = 1 ]; then
        "$top/tests/pg/server.sh" stop "$PGD"
        rm -f "$DIR"/pg.*.*
        base=$("$top/tests/pg/server.sh" start "$PGD") || { echo "bench: no PostgreSQL server" >&2; exit 1; }
        psql -XAtq "$base dbname=postgres" -c "CREATE DATABASE bench" || exit 1
        echo "== loading the site with COPY"
        t0=$(date +%s)
        KWHPOS=$KWHPOS "$top/tests/bench/pg-load.sh" "$DIR/site.db" "$base dbname=bench" || exit 1
        echo "load: $(($(date +%s) - t0)) s wall"
        touch "$pgstamp"
    else
        "$top/tests/pg/server.sh" resume "$PGD" || exit 1
        base=$("$top/tests/pg/server.sh" conninfo "$PGD")
    fi
    URL="$base dbname=bench"
    echo "   $(psql -XAtq "$URL" -c "SELECT version()" | cut -d' ' -f1-2), database" \
        "$(psql -XAtq "$URL" -c "SELECT pg_size_pretty(pg_database_size('bench'))")," \
        "shared_buffers $(psql -XAtq "$URL" -c "SHOW shared_buffers")"
    rm -rf "$DIR/pgbackups"
    "$TOOLS/benchrun" --db "$URL" --backup-dir "$DIR/pgbackups"
    rc=$?
    rm -rf "$DIR/pgbackups"
    times=()
    for _ in $(seq 20); do
        t0=$(ms)
        "$KWHPOS" --db "$URL" settings show >/dev/null
        times+=($(($(ms) - t0)))
    done
    sorted=$(printf '%s\n' "${times[@]}" | sort -n)
    printf 'command start-up (settings show)    p50 %s ms, max %s ms\n' \
        "$(printf '%s\n' "$sorted" | sed -n 10p)" "$(printf '%s\n' "$sorted" | tail -n 1)"
    "$top/tests/pg/server.sh" halt "$PGD"
    [ $rc = 0 ] || exit 1
fi
