#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The database and its backups hold the site key: kwhpos init makes the database 0660,
# backups and the copy kept before a restore are 0640, a restored database 0660, and a
# database or backup that every user can read is refused with the command that fixes it.
# (The setgid install itself is proved by tests/deb/check-deb.sh as user nobody.)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cli_lib.sh"

mode() { stat -c %a "$1"; }
k init --area 123456 >/dev/null
is "kwhpos init makes the database 0660" "$(mode "$T/site.db")" 660
printf '1\n%s\n%s\n' "$ADMIN" "$ADMIN" | k --user system operator passwd >/dev/null
k backup --dir "$T/bk" >/dev/null
b=$(ls "$T"/bk/kwhpos-*.db)
is "a backup is 0640" "$(mode "$b")" 640
is "a new backup folder is 2770" "$(mode "$T/bk")" 2770
admin restore "$b" --dir "$T/bk" >/dev/null
pre=$(ls "$T"/bk/*-prerestore.db)
is "the copy kept before a restore is 0640" "$(mode "$pre")" 640
is "the restored database keeps 0660" "$(mode "$T/site.db")" 660

chmod 0644 "$T/site.db"
out=$(k settings show 2>&1); rc=$?
is "a database every user can read is refused (exit 4)" "$rc" 4
like "... saying how to fix it" "$out" "can be read by every user.*mode 0644.*chmod o-rwx $T/site.db"
chmod 0660 "$T/site.db"
chmod 0644 "$b"
out=$(admin restore "$b" 2>&1); rc=$?
is "a backup every user can read is not restored (exit 4)" "$rc" 4
like "... saying how to fix it" "$out" "the backup $b can be read by every user.*chmod o-rwx"

# restoring onto an empty place makes the database 0660, not the private copy's 0600
chmod 0640 "$b"
mkdir -p "$T/new"
"$KWHPOS" --db "$T/new/site.db" restore "$b" >/dev/null 2>&1
is "a database restored onto an empty place is 0660" "$(mode "$T/new/site.db")" 660
done_testing
