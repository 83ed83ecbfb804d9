#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# kwh-backends: sqlite pg
# kwhpos killed (kill -9) after it recorded a card write and before a byte reached the
# card: the reader hangs as the first write goes out (kwhsim fault stall) and the
# process is killed while it waits. A write to a factory-blank card cannot be found by
# its serial (the card has none): reading the blank card settles it (void, audited), so
# the meter number of an opening is free again and a reissued account is not blocked.
# A write whose card is lost is cancelled by an administrator (`pending cancel`), with
# the reason in the audit log. Two stations share the database, each named in its INI
# ([station] name): `pending list` at either says which station recorded each write.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/loop_lib.sh"

pending_count() { q "SELECT count(*) FROM card_ops WHERE state = 0"; }
more_pending_than() { [ "$(pending_count)" -gt "$1" ]; }
status_of() { q "SELECT status FROM customers WHERE meter_no = $1 ORDER BY id DESC LIMIT 1"; }
number_of() { q "SELECT customer_no FROM customers WHERE meter_no = $1 AND status = 1"; }
BLANK=$(printf 'ff%.0s' {1..252})

# killed_at_write ARGS...: kwhpos ARGS with the reader hanging at the first card write,
# killed once its intent is recorded; RC is 0 when it was killed waiting there
killed_at_write() {
    local before pid
    before=$(pending_count)
    sim fault stall >/dev/null
    printf '%s\n' "$PW" | "$KWHPOS" -c "${KINI:-$INI}" --user system "$@" >"$T/killed.out" 2>&1 &
    pid=$!
    wait_for 30 more_pending_than "$before"
    RC=$?
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    sim fault clear >/dev/null
}

start_sim --baud 115200
ok "the simulator starts" test -S "$D/control.sock"
ok "a site" new_site "$INI" "$DB" 123456
# two stations on the one database and reader, each named in its INI ([station] name)
INI2=$T/k2.ini
cp "$INI" "$INI2"
printf '[station]\nname = 一号站\n' >>"$INI"
printf '[station]\nname = 二号站\n' >>"$INI2"

# --- an opening killed before its first byte --------------------------------------------
sim new-card b1 --force >/dev/null
sim new-meter 30000001 --force >/dev/null
sim insert b1 >/dev/null
killed_at_write open --name 王五 --meter 30000001 --tariff 居民生活用电 --kwh 20
is "the opening was killed with its intent recorded" "$RC" 0
is "not a byte reached the card" "$(card_bytes b1 4 252)" "$BLANK"
run kp pending list
like "pending list shows the opening waiting for a blank card" "$OUT" \
    "^op [0-9]+	open	[0-9]{8}	王五	10\.57	[0-9-]+ [0-9:]+	system	blank card	一号站$"
op=$(pending_op)
run kp card read
is "the blank card reads (exit 0)" "$RC" 0
like "the read says the opening was cancelled" "$OUT" \
    "^settled: the open of op #$op was interrupted before it reached the blank card and was cancelled"
is "nothing is left pending" "$(kp pending)" ""
is "the opening is void" "$(status_of 30000001)" 4
is "no money taken" "$(money)" 0
like "the audit says how it was settled" \
    "$(q "SELECT after FROM audit WHERE op = 'card-settle' AND subject = 'op#$op'")" \
    'state=void how=blank card read: untouched'
run kp open --name 王五 --meter 30000001 --tariff 居民生活用电 --kwh 20
is "the same card and meter number then open the account" "$RC $(kv state)" "0 done"
A=$(number_of 30000001)
is "card and database agree" "$(card_active b1)" "$(db_slot "$A")"
sim eject >/dev/null
is "the meter takes the card" "$(mi 30000001 b1)" "good"
is "and loads the 20 kWh once" "$(field 30000001 remaining)" "20.0"
is "10.57 yuan taken once" "$(money)" 1057

# --- an opening killed, then a new open reads the blank card ----------------------------
sim new-card b2 --force >/dev/null
sim new-meter 30000002 --force >/dev/null
sim insert b2 >/dev/null
killed_at_write open --name 赵六 --meter 30000002 --tariff 居民生活用电
is "a second opening killed at its first write" "$RC" 0
run kp open --name 赵六 --meter 30000002 --tariff 居民生活用电
is "opening again at once settles the first (its meter number is free)" "$RC $(kv state)" "0 done"
is "nothing is left pending" "$(kp pending)" ""

# --- a reissue killed before its first byte ------------------------------------------------
sim new-card b3 --force >/dev/null
sim insert b3 >/dev/null
killed_at_write reissue --customer "$A" --consumed --kwh 10
is "a reissue onto a blank card killed at its first write" "$RC" 0
is "not a byte reached the new card" "$(card_bytes b3 4 252)" "$BLANK"
run kp reissue --customer "$A" --consumed --kwh 10
is "the account is not blocked: the reissue goes through" "$RC $(kv state)" "0 done"
is "card and database agree" "$(card_active b3)" "$(db_slot "$A")"
is "nothing is left pending" "$(kp pending)" ""
sim eject >/dev/null
is "the meter takes the new card" "$(mi 30000001 b3)" "good"
is "and has 20 + 10 kWh" "$(field 30000001 remaining)" "30.0"

# --- a sale killed, its card lost: an administrator cancels it ------------------------------
sim insert b3 >/dev/null
killed_at_write sell --customer "$A" --kwh 5
is "a sale killed at its first write" "$RC" 0
op=$(pending_op)
sim eject >/dev/null
# meanwhile the other station's opening is killed before its first byte
sim new-card b4 --force >/dev/null
sim new-meter 30000003 --force >/dev/null
sim insert b4 >/dev/null
KINI=$INI2 killed_at_write open --name 钱七 --meter 30000003 --tariff 居民生活用电
is "station 二号站's opening killed at its first write" "$RC" 0
op2=$(pending_op)
sim eject >/dev/null
run kp pending list
like "it waits for the card with its serial, made at 一号站" "$OUT" \
    "^op $op	sale	$A	王五	2\.64	.*	serial [0-9a-f]{12}	一号站$"
like "the other station's opening waits for its blank card, made at 二号站" "$OUT" \
    "^op $op2	open	[0-9]{8}	钱七	[^	]+	[0-9-]+ [0-9:]+	system	blank card	二号站$"
is "two writes pending" "$(printf '%s\n' "$OUT" | grep -c '^op ')" 2
LIST1=$OUT
KINI=$INI2 run kp pending list
is "the other station lists the same writes, each with its own station" "$OUT" "$LIST1"
is "the ledger keeps each write's station" \
    "$(q "SELECT station FROM card_ops WHERE id IN ($op, $op2) ORDER BY id" | tr '\n' ' ')" \
    "一号站 二号站 "
sim insert b4 >/dev/null
KINI=$INI2 run kp card read
like "reading the blank card at 二号站 cancels its opening" "$OUT" \
    "^settled: the open of op #$op2 was interrupted before it reached the blank card"
sim eject >/dev/null
run kp pending list
like "the sale alone waits" "$OUT" "^op $op	sale	.*	一号站$"
unlike "the opening is gone" "$OUT" "钱七"
run kp pending cancel "$op"
is "cancel without a reason is a usage error (exit 2)" "$RC" 2
like "it asks for the reason" "$OUT" 'reason'
run kp pending cancel 99999 --reason "card lost"
is "no such card write: exit 3" "$RC" 3
run kp pending cancel "$op" --reason "card lost by the customer"
is "cancelled with no card in the reader (exit 0)" "$RC" 0
like "it says so" "$OUT" "card write #$op cancelled"
is "nothing is left pending" "$(kp pending)" ""
is "the sale is void" "$(q "SELECT state FROM sales WHERE op_id = $op")" 2
like "the audit keeps who and why" \
    "$(q "SELECT operator || ' ' || after FROM audit WHERE op = 'pending-cancel' AND subject = 'op#$op'")" \
    '^system kind=sale card=not in the reader reason=card lost by the customer$'
run kp pending cancel "$op" --reason "again"
is "a settled write cannot be cancelled again (exit 5)" "$RC" 5
sim insert b3 >/dev/null
run kp sell --customer "$A" --kwh 5
is "the card then sells" "$RC $(kv state)" "0 done"

# --- the oracle: the books, the card and the meter agree ------------------------------------
run kp check
is "kwhpos check passes" "$RC" 0
if [ "$BACKEND" = sqlite ]; then
    is "integrity_check" "$(sqlite3 "$DB" 'PRAGMA integrity_check')" ok
fi
run kp audit verify
like "the audit chain verifies" "$OUT" '^audit chain intact'
sim eject >/dev/null
is "the meter loads the last sale" "$(mi 30000001 b3)" "good"
is "and counts the purchases the books settled" "$(field 30000001 count)" \
    "$(q "SELECT purchase_count FROM customers WHERE customer_no = $A")"

done_testing
