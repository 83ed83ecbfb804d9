#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# bench BUILD_DIR: the performance benchmark of docs/performance.md (not a test).
#
#   1. a site of 1,000,000 accounts and 10,000,000 sales (tests/tools/benchgen), made
#      once in $KWH_BENCH_DIR (default /tmp/kwhpos-bench, about 1.5 GB free needed) and
#      reused; KWH_BENCH_REGEN=1 makes it again; BENCH_CUSTOMERS / BENCH_SALES resize it;
#   2. p50/p99 of lookups, the total balance, reports, queries, sale commits and backup
#      through the core (tests/tools/benchrun);
#   3. kwhpos as a program: start-up of the TUI from exec to its first write and to its
#      first screen (the login) drawn on an 80x24 pseudo-terminal, beside dialog(1)'s
#      password box in the same runs, and its peak RSS there; start-up of a command for
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

# the terminal UI's start-up, side by side with dialog(1) drawing a password box: each on
# a fresh 80x24 pseudo-terminal (tests/tools/firstscreen), timed from just before exec to
# its first write and to the last text of its first screen, runs alternating so that both
# see the same load; kwhpos's peak RSS at its login screen
FS=$top/$B/tests/tools/firstscreen
ini=$DIR/bench.ini
printf '[database]\npath = %s\n[ui]\nlanguage = en\n[backup]\ninterval_hours = 0\n' \
    "$DIR/site.db" >"$ini"
: >"$DIR/start.kwhpos"
: >"$DIR/start.dialog"
have_dialog=$(command -v dialog)
for _ in $(seq 21); do
    TERM=xterm-256color "$FS" --detail "Esc: quit" 1 "$KWHPOS" -c "$ini" >>"$DIR/start.kwhpos" ||
        { echo "bench: the TUI did not show its login screen" >&2; exit 1; }
    [ -z "$have_dialog" ] || TERM=xterm-256color "$FS" --detail "ancel" 1 dialog \
        --title "kwhpos login" --passwordbox "Password" 10 40 >>"$DIR/start.dialog" || exit 1
done
# col FILE N [DIV]: the median of column N (divided by DIV: 1000 makes microseconds ms)
col() {
    awk -v c="$2" '{ print $c }' "$1" | sort -n |
        awk -v d="${3:-1000}" '{ v[NR] = $1 } END { printf "%.1f", v[int((NR + 1) / 2)] / d }'
}
# the peak RSS with the login screen drawn: the database is opened right after it, so a
# reading that comes late catches the database open too; the lowest is the screen's,
# the highest the terminal's once the database is open
hwm=$(awk '$3 < m || m == 0 { m = $3 } END { print m }' "$DIR/start.kwhpos")
open_hwm=$(awk '$3 > m { m = $3 } END { print m }' "$DIR/start.kwhpos")
printf 'TUI start-up, exec to first write   median %s ms, to the login screen drawn %s ms\n' \
    "$(col "$DIR/start.kwhpos" 1)" "$(col "$DIR/start.kwhpos" 2)"
printf 'TUI peak RSS, the login screen drawn %d KB%s; the database open %d KB\n' "$hwm" \
    "$([ "$hwm" -le 6144 ] && echo ' (goal 6 MB: met)' || echo ' (goal 6 MB: MISSED)')" "$open_hwm"
if [ -n "$have_dialog" ]; then
    printf 'dialog --passwordbox, same runs      median %s ms, to the box drawn %s ms\n' \
        "$(col "$DIR/start.dialog" 1)" "$(col "$DIR/start.dialog" 2)"
else
    echo "dialog: not installed (apt-get install dialog), not measured beside kwhpos"
fi
rm -f "$DIR/start.kwhpos" "$DIR/start.dialog"

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
