#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Leaving the terminal UI (the real kwhpos in tmux) and its automatic backup: none after
# a hang-up at the login screen (tmux kill-server) or a session that changed nothing;
# one after a session that changed something; terminals leaving at once (and `kwhpos
# backup`s started at once) write whole backups under names of their own; SIGTERM during
# the backup of a large database stops it at once and leaves no .part.
. "$(dirname "$0")/lib.sh"

SOCK=kwhexit$$
tx() { tmux -L "$SOCK" -f /dev/null "$@"; }
on_exit 'tx kill-server 2>/dev/null'
ADMIN=admin-pass-1
INI=$T/k.ini
DB=$T/site.db
BK=$T/backups
printf '[database]\npath = %s\n[backup]\ninterval_hours = 1\n[ui]\nlanguage = en\n' "$DB" >"$INI"
k() { "$KWHPOS" -c "$INI" "$@"; }
k init --area 123456 >/dev/null
printf '1\n%s\n%s\n' "$ADMIN" "$ADMIN" | k --user system operator passwd >/dev/null

# start NAME: kwhpos in its own tmux window; its pid in $T/NAME.pid
start() {
    rm -f "$T/$1.pid"
    if tx has-session 2>/dev/null; then
        tx new-window -d -n "$1" "sh -c 'echo \$\$ >$T/$1.pid; exec env TERM=xterm-256color \
            LC_ALL=C.UTF-8 KWHPOS_LOCALEDIR=$KWH_BUILD/locale $KWHPOS -c $INI 2>$T/$1.err'"
    else
        tx new-session -d -x 80 -y 24 -s ui -n "$1" "sh -c 'echo \$\$ >$T/$1.pid; exec env \
            TERM=xterm-256color LC_ALL=C.UTF-8 KWHPOS_LOCALEDIR=$KWH_BUILD/locale \
            $KWHPOS -c $INI 2>$T/$1.err'"
    fi
    wait_for 10 test -s "$T/$1.pid"
}
screen() { tx capture-pane -t "ui:$1" -p 2>/dev/null; }
has() { screen "$1" | grep -qF -- "$2"; }
see() { wait_for "${3:-10}" has "$1" "$2"; }
keys() { local w=$1; shift; tx send-keys -t "ui:$w" "$@"; }
# running (a zombie waiting for tmux to reap it has ended)
alive() { grep -qE '^State:\s+[^Z]' "/proc/$(cat "$T/$1.pid")/status" 2>/dev/null; }
gone() { ! alive "$1"; }
login() {
    see "$1" "kwhpos login" && keys "$1" -l system && keys "$1" Tab && keys "$1" -l "$ADMIN" &&
        keys "$1" Enter && see "$1" "F9 or Enter opens the menu"
}
# a change: the unit's name (系统设置 > 用户单位)
change() {
    keys "$1" F9 1 2 && see "$1" "Unit name" && keys "$1" C-u && keys "$1" -l "$2" &&
        keys "$1" Enter && see "$1" "Invoices print the new name"
}
quit() { keys "$1" F10 && see "$1" "Esc" && keys "$1" Enter; }
count() { find "$BK" -maxdepth 1 -name "$1" 2>/dev/null | wc -l; }

# --- a hang-up at the login screen: no backup, gone at once -----------------------------
start a
ok "the login screen is up" see a "kwhpos login"
t0=$(date +%s%N)
tx kill-server
ok "tmux kill-server at the login screen: kwhpos ends" wait_for 5 gone a
ms=$((($(date +%s%N) - t0) / 1000000))
ok "within 2 s (took $ms ms)" test $ms -lt 2000
is "and backs nothing up" "$(count '*')" 0

# --- a session that changed nothing: no backup ----------------------------------------
start b
ok "logged in" login b
ok "F10 leaves" quit b
ok "the program ends" wait_for 10 gone b
is "a session that changed nothing backs nothing up" "$(count '*')" 0

# --- a session that changed something: the backup is taken on leaving --------------------
start c
ok "logged in again" login c
ok "the unit's name changed" change c "阳光小区物业"
ok "F10 leaves" quit c
ok "the program ends" wait_for 20 gone c
is "a session with a change leaves one backup" "$(count 'kwhpos-*.db')" 1
is "and no .part" "$(count '*.part')" 0
tx kill-server 2>/dev/null
rm -f "$BK"/*

# --- two terminals leaving in the same second -------------------------------------------
# each backs up if no backup is newer than the interval when it looks: one or two
# backups, whole, and never a shared .part
start d
start e
ok "terminal 1 logged in" login d
ok "terminal 2 logged in" login e
ok "terminal 1 changed something" change d "甲"
ok "terminal 2 changed something" change e "乙"
keys d F10
keys e F10
ok "both ask to quit" see d "Esc" && see e "Esc"
keys d Enter
keys e Enter
ok "both end" wait_for 20 gone d && wait_for 20 gone e
n=$(count 'kwhpos-*.db')
ok "one or two backups ($n)" test "$n" -ge 1 -a "$n" -le 2
is "no .part left" "$(count '*.part')" 0
for f in "$BK"/kwhpos-*.db; do
    is "$(basename "$f") is whole" "$(sqlite3 "$f" 'pragma integrity_check')" ok
done
tx kill-server 2>/dev/null
rm -f "$BK"/*
# `kwhpos backup` always backs up: three at once, three backups under three names
for i in 1 2 3; do k backup >"$T/b$i.out" 2>&1 & done
wait
is "three backups started at once: three files" "$(count 'kwhpos-*.db')" 3
is "no .part left" "$(count '*.part')" 0
is "three names" "$(cat "$T"/b?.out | grep -oE 'kwhpos-[0-9-]+\.db' | sort -u | wc -l)" 3
for f in "$BK"/kwhpos-*.db; do
    is "$(basename "$f") is whole" "$(sqlite3 "$f" 'pragma integrity_check')" ok
done
rm -f "$BK"/*

# --- SIGTERM during the backup of a large database --------------------------------------
sqlite3 "$DB" "create table zz_pad(b blob); with recursive n(i) as (select 1 union all select
    i + 1 from n where i < 400) insert into zz_pad select randomblob(1000000) from n;"
ok "the database is large ($(($(stat -c %s "$DB") / 1048576)) MB)" test "$(stat -c %s "$DB")" -gt 400000000
start f
ok "logged in to the large site" login f
ok "a change" change f "丙"
ok "F10: the backup on leaving begins" quit f
has_part() { [ "$(count '*.part')" -gt 0 ]; }
ok "its .part appears" wait_for 20 has_part
t0=$(date +%s%N)
kill -TERM "$(cat "$T/f.pid")"
ok "SIGTERM: kwhpos ends" wait_for 10 gone f
ms=$((($(date +%s%N) - t0) / 1000000))
ok "promptly (took $ms ms)" test $ms -lt 2000
is "no .part left" "$(count '*.part')" 0
is "no half backup under a backup's name" "$(count 'kwhpos-*.db')" 0
ok "the database is intact" test "$(sqlite3 "$DB" 'pragma quick_check')" = ok
done_testing
