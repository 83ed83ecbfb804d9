#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# What a command says when the world is not as it should be (issue 16 §5): a full disk,
# a read-only mount, init given a directory, text that is not UTF-8, a NUL byte in an
# import file, a seller importing, a named pipe given where a file is read (import,
# restore, audit anchors, print-text: refused at once, never waited on; a shell's <(...)
# still reads). Each says what is wrong and what to do; nothing is half written. Mounts two small tmpfs (tests run as root).
. "$(dirname "$0")/lib.sh"

ADMIN=admin-pass-1
k() { "$KWHPOS" --db "$DB" "$@"; }
admin() { echo "$ADMIN" | k --user system "$@"; }
mk_site() { # on $DB
    k init --area 123456 >/dev/null &&
        printf '1\n%s\n%s\n' "$ADMIN" "$ADMIN" | k --user system operator passwd >/dev/null &&
        printf '%s\nclerk-first-1\nclerk-first-1\n' "$ADMIN" |
        k --user system operator add --name clerk --role seller >/dev/null &&
        printf 'clerk-first-1\nclerk-pass-1\nclerk-pass-1\n' | k --user clerk operator passwd >/dev/null
}

# --- a full disk ----------------------------------------------------------------------
F=$T/full
mkdir -p "$F"
ok "a 2 MB file system" mount -t tmpfs -o size=2m tmpfs "$F"
on_exit "umount -l $F 2>/dev/null"
DB=$F/site.db
ok "a site on it" mk_site
tariffs=$(sqlite3 "$DB" "select count(*) from tariffs")
avail=$(df --output=avail -B1 "$F" | tail -n 1)
head -c $((avail - 20000)) /dev/zero >"$F/fill" 2>/dev/null
ok "the disk is nearly full ($(df --output=avail -B1 "$F" | tail -n 1) bytes free)" \
    test "$(df --output=avail -B1 "$F" | tail -n 1)" -lt 24000
out=$(admin tariff add --name 路灯 --price 0.6 2>&1); rc=$?
is "a change on a full disk fails (exit 7)" "$rc" 7
like "saying the disk is full and what to do" "$out" "the disk is full .*free space there"
unlike "not 'disk I/O error'" "$out" "disk I/O error"
rm -f "$F/fill"
# a backup to a folder on a disk too small for the copy
mkdir -p "$T/small"
ok "a 64 KB file system for backups" mount -t tmpfs -o size=64k tmpfs "$T/small"
on_exit "umount -l $T/small 2>/dev/null"
out=$(k backup --dir "$T/small" 2>&1); rc=$?
is "a backup onto a full disk fails (exit 1)" "$rc" 1
like "saying the disk is full and what to do" "$out" \
    "the disk is full: free space there or choose another folder"
is "and leaves no part of a copy" "$(ls -A "$T/small")" ""
is "nothing of it was written" "$(sqlite3 "$F/site.db" "select count(*) from tariffs")" "$tariffs"
ok "with space again it works" admin tariff add --name 路灯 --price 0.6

# --- a read-only mount --------------------------------------------------------------------
R=$T/ro
mkdir -p "$R"
ok "another small file system" mount -t tmpfs -o size=4m tmpfs "$R"
on_exit "umount -l $R 2>/dev/null"
DB=$R/site.db
ok "a site on it" mk_site
ok "mounted read-only" mount -o remount,ro "$R"
out=$(k settings show 2>&1)
like "settings show reads it" "$out" "area_code: 123456"
out=$(k check 2>&1); rc=$?
is "check reads it (exit 0)" "$rc" 0
like "and finds it intact" "$out" "integrity: ok"
like "the anchor goes to syslog (the file beside it cannot be written)" "$out" "syslog only"
out=$(k backup --dir "$T/bk" 2>&1); rc=$?
is "a backup to another disk works" "$rc" 0
ok "and is whole" test "$(sqlite3 "$T"/bk/kwhpos-*.db 'pragma integrity_check')" = ok
out=$(admin tariff add --name 路灯 --price 0.6 2>&1); rc=$?
is "a change is refused (exit 7)" "$rc" 7
like "saying the file system is read-only" "$out" "read-only file system: nothing was changed"
unlike "not 'unable to open database file'" "$out" "unable to open"
out=$(admin report daily 2>&1); rc=$?
is "a report, which needs a login (recorded in the database), is refused (exit 7)" "$rc" 7
like "saying how to get it: from a copy on another disk" "$out" \
    "for reports and queries, back up to another disk and open the copy \(--db\)"
out=$(echo "$ADMIN" | "$KWHPOS" --db "$(ls "$T"/bk/kwhpos-*.db)" --user system report daily 2>&1)
rc=$?
is "and the report from the copy works (exit 0)" "$rc" 0

# --- init given a directory -----------------------------------------------------------------
mkdir "$T/dir"
out=$("$KWHPOS" --db "$T/dir" init --area 123456 2>&1); rc=$?
is "init on a directory: exit 2" "$rc" 2
like "says it is a directory and what to give" "$out" "is a directory: give the new database's file name, e.g. $T/dir/site.db"

# --- text that is not UTF-8 -----------------------------------------------------------------
DB=$T/site.db
mk_site
out=$(admin tariff add --name "$(printf '\xb5\xe7\xb7\xd1')" --price 0.6 2>&1)
like "a GBK tariff name: not UTF-8, typed in another encoding" "$out" "tariff name: the text is not UTF-8"
out=$(admin settings set --unit "$(printf 'a\tb')" 2>&1)
like "a tab: one line of text" "$out" "unit name: enter one line of text \\(no line breaks"
GBK=$(printf '\xb5\xe7\xb7\xd1')
out=$(admin fee add --name "$GBK" --kind sale --amount 1 2>&1)
like "a GBK fee name: not UTF-8" "$out" "fee name: the text is not UTF-8"
out=$(admin area add "$GBK" 2>&1)
like "a GBK area name: not UTF-8" "$out" "area name: the text is not UTF-8"
unlike "and its bytes are not echoed" "$out" "$GBK"
out=$(admin search "$GBK" 2>&1)
like "a GBK search text: not UTF-8" "$out" "the search text: the text is not UTF-8"
out=$(admin arrears add --customer 10000001 --amount 1 --reason "$GBK" 2>&1)
like "a GBK reason: not UTF-8" "$out" "reason: the text is not UTF-8"

# --- import: a NUL byte refuses its row; a seller is refused before the file is read -------
printf 'name,meter,tariff\nA\0B,10000001,1\nC,10000002,1\n' >"$T/nul.csv"
out=$(admin import customers "$T/nul.csv" 2>&1); rc=$?
is "a NUL byte in a name: the import is refused (exit 2)" "$rc" 2
like "naming its line and field" "$out" "nul.csv:2: field 1 holds a NUL byte"
is "nothing imported" "$(sqlite3 "$DB" "select count(*) from customers")" 0
out=$(echo clerk-pass-1 | k --user clerk import customers "$T/no-such-file.csv" 2>&1); rc=$?
is "a seller importing: denied (exit 4)" "$rc" 4
like "by role, before the file is looked at" "$out" "needs an administrator"

# --- a named pipe given as a file: never waited on -----------------------------------------
mkfifo "$T/pipe"
for cmd in "import customers" "restore" "audit verify --anchors" "print-text"; do
    out=$(echo "$ADMIN" | timeout 20 "$KWHPOS" --db "$DB" --user system $cmd "$T/pipe" 2>&1)
    rc=$?
    ok "$cmd on a named pipe returns at once (exit $rc)" test "$rc" -ne 124 -a "$rc" -ne 0
    like "$cmd: says it is a named pipe" "$out" "pipe is a named pipe \(FIFO\)"
done
out=$(admin import customers <(printf 'name,meter,tariff\n张三,10000001,1\n') 2>&1); rc=$?
is "a shell's <(...) still imports: its pipe has a writer (exit 0)" "$rc $(sqlite3 "$DB" \
    "select count(*) from customers where name = '张三'")" "0 1"
done_testing
