#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# bench-startup BUILD_DIR: exec to first screen, kwhpos beside dialog(1).
#
# kwhpos: the login screen of the terminal UI on a site database, TERM=xterm-256color,
# LC_ALL=C.UTF-8, [ui] language = en and = zh_CN (the catalogue loaded). dialog: a
# password box of the same size, the nearest thing dialog draws to a login. Each is run
# on a fresh 80x24 pseudo-terminal by tests/tools/firstscreen, which times from just
# before exec until the screen's last text has been written; runs alternate between
# the programs so that both see the same machine load. Goal: kwhpos's median at most
# 1.2 x dialog's.
set -u
B=${1:-build}
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
FS=$B/tests/tools/firstscreen
runs=${BENCH_RUNS:-101}
command -v dialog >/dev/null || { echo "bench-startup: dialog is not installed (apt-get install dialog)" >&2; exit 2; }
T=$(mktemp -d "${TMPDIR:-/tmp}/kwhstart.XXXXXX")
trap 'rm -rf "$T"' EXIT
"$B/kwhpos" --db "$T/site.db" init --area 123456 >/dev/null
for lang in en zh_CN; do
    printf '[database]\npath = %s\n[ui]\nlanguage = %s\n[backup]\ninterval_hours = 0\n' \
        "$T/site.db" "$lang" >"$T/$lang.ini"
done
export TERM=xterm-256color LC_ALL=C.UTF-8
: >"$T/en" >"$T/zh" >"$T/dialog"
for ((i = 0; i < runs; i++)); do
    "$FS" "Esc: quit" 1 "$B/kwhpos" -c "$T/en.ini" >>"$T/en" || exit 1
    "$FS" "Esc：退出" 1 "$B/kwhpos" -c "$T/zh_CN.ini" >>"$T/zh" || exit 1
    "$FS" "ancel" 1 dialog --title "kwhpos login" --passwordbox "Password" 10 40 >>"$T/dialog" || exit 1
done
median() { sort -n "$1" | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
d=$(median "$T/dialog") e=$(median "$T/en") z=$(median "$T/zh")
printf 'exec to first screen, median of %d runs (microseconds)\n' "$runs"
printf '  %-28s %6d\n' "dialog --passwordbox" "$d" "kwhpos login, en" "$e" "kwhpos login, zh_CN" "$z"
awk -v d="$d" -v e="$e" -v z="$z" 'BEGIN {
    printf "  ratio en %.2f, zh_CN %.2f (goal <= 1.20)\n", e / d, z / d
    exit (e / d > 1.2 || z / d > 1.2) }'
