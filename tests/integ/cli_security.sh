#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Security faults through the command line (docs/security.md): login lock-out under
# parallel wrong passwords, the same message for every wrong name or password, root's
# `operator unlock`; audit anchors at check, backup and shift close, and `audit verify
# --anchors` finding a shortened audit log that `audit verify` alone calls intact.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cli_lib.sh"

cli_site
q() { sqlite3 "$T/site.db" "$@"; }

# --- logins -------------------------------------------------------------------------------
a=$(echo wrong | k --user clerk balance 2>&1)
b=$(echo wrong | k --user nobody balance 2>&1)
is "a wrong password and an unknown name get the same message" "$a" "$b"
unlike "and no count of the tries left" "$a" 'left'
q "update operators set failed = 0"

# 5 rounds of 8 parallel wrong passwords
checked_before=$(q "select count(*) from audit where op like 'login-%' and subject = 'clerk'")
for round in 1 2 3 4 5; do
    pids=()
    for i in 1 2 3 4 5 6 7 8; do
        echo wrong | k --user clerk balance >/dev/null 2>&1 &
        pids+=($!)
    done
    wait "${pids[@]}"
    q "update operators set locked_until = 0 where name = 'clerk'" # the next round at once
done
checked=$(($(q "select count(*) from audit where op like 'login-%' and subject = 'clerk'") - checked_before))
ok "40 parallel wrong passwords: at most 25 checked ($checked)" test "$checked" -le 25
is "each round locked once: 5 lock-outs" "$(q "select lockouts from operators where name = 'clerk'")" 5

# the only admin locked out by anyone at the login screen; root lifts it without a login
for i in 1 2 3 4 5; do echo wrong | k --user system balance >/dev/null 2>&1; done
out=$(admin balance 2>&1)
like "the admin is locked out" "$out" "locked .* kwhpos operator unlock system"
# (as nobody, without the site's INI, which nobody may read: the refusal comes first)
out=$(cd / && setpriv --reuid=65534 --regid=65534 --clear-groups "$KWHPOS" operator unlock \
    --name system 2>&1)
like "operator unlock without --user is for root only" "$out" "run it as root"
out=$(k operator unlock --name system 2>&1)
like "root unlocks without logging in" "$out" "operator system unlocked"
ok "the admin logs in again" admin balance
is "audited as root" "$(q "select operator || ' ' || subject from audit where op = 'operator-unlock'")" \
    "root system"
out=$(echo "$CLERK" | k --user clerk operator unlock --name system 2>&1)
like "a seller may not unlock" "$out" "needs an administrator"

# --- audit anchors ------------------------------------------------------------------------
A=$T/audit-anchors.log
export KWHPOS_LOG_FILE=$T/syslog # what kwhpos sends to syslog, where a test can read it
out=$(k check 2>&1)
like "check writes an anchor" "$out" "audit anchor: [0-9]+ records, head [0-9a-f]{16}"
like "to the anchor file beside the database" "$out" "appended to $A"
records=$(q "select max(id) from audit")
like "the anchor file has it" "$(tail -n 1 "$A")" "kwhpos audit anchor: site=[0-9a-f]{16} records=$records head=[0-9a-f]{64} event=check$"
like "and syslog (auth.notice) has the same line" "$(tail -n 1 "$T/syslog")" \
    "^<$((4 * 8 + 5))> kwhpos audit anchor: site=[0-9a-f]{16} records=$records head=[0-9a-f]{64} event=check$"
out=$(k backup 2>&1)
like "a backup writes one" "$(tail -n 1 "$A")" "event=backup$"
out=$(echo "$CLERK" | k --user clerk shift close --counted 0 2>&1)
like "the shift report shows the anchor" "$out" "audit anchor +[0-9]+ records, head [0-9a-f]{16}"
like "and the file has it" "$(tail -n 1 "$A")" "event=shift-close$"
out=$(k audit verify --anchors "$A" 2>&1)
like "verify: every anchor agrees" "$out" "anchors: 3 of this site in .* agree"
out=$(k audit verify --anchors "$T/syslog" 2>&1)
like "the syslog copy verifies too" "$out" "anchors: 3 of this site in .* agree"

# the newest records removed and the head in the settings made to match: the chain alone
# looks whole
last=$(q "select max(id) from audit")
q "delete from audit where id > $((last - 2)); update settings set value = (select id || ':' ||
    lower(hex(hash)) from audit order by id desc limit 1) where key = 'audit_head'"
out=$(k audit verify 2>&1)
like "audit verify alone: intact" "$out" "audit chain intact"
out=$(k audit verify --anchors "$A" 2>&1); rc=$?
is "with the anchors: exit 1" "$rc" 1
like "it says records were removed" "$out" "REWRITTEN: .* records were removed"
done_testing
