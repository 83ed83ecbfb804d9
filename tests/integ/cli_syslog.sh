#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Operational messages go to syslog with a priority (KWHPOS_LOG_FILE stands in for it
# here): the site's creation, backups, restores, the reader that cannot be opened, a
# database error; a sale leaves no line, and no line holds money or a password.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cli_lib.sh"
export KWHPOS_LOG_FILE=$T/log
cli_site
log() { cat "$T/log"; }
like "init: notice" "$(log)" "^<5> site database $T/site.db created \(area code 123456\)"

sim new-card zhang >/dev/null && sim insert zhang >/dev/null
clerk open --name 张三 --meter 20240001 --tariff 1 --amount 123.45 --pay cash >/dev/null
sim eject >/dev/null && sim new-meter 20240001 >/dev/null && sim meter-insert 20240001 zhang >/dev/null
sim insert zhang >/dev/null
clerk sell --customer 10000001 --amount 67.89 >/dev/null
k backup --dir "$T/bk" >/dev/null
like "a backup: info" "$(log)" "^<6> backup $T/bk/kwhpos-[0-9-]+\.db made"
b=$(ls "$T"/bk/kwhpos-*.db | head -n 1)
admin restore "$b" --dir "$T/bk" >/dev/null
like "a restore: notice" "$(log)" "^<5> database $T/site.db restored from $b"
sim stop >/dev/null 2>&1
wait_for 10 test ! -S "$D/control.sock"
clerk card read >/dev/null 2>&1
like "a reader that cannot be opened: warning" "$(log)" "^<4> .*$D/reader"
: >"$T/notadir"
k backup --dir "$T/notadir" >/dev/null 2>&1
like "a backup that fails: error" "$(log)" "^<3> $T/notadir is not a folder"
unlike "no money in the journal" "$(log)" "123\.45|67\.89|金额|amount"
unlike "no password" "$(log)" "$ADMIN|$CLERK"
unlike "a sale or a refused login writes no line" "$(log)" "sell|sale|张三"
done_testing
