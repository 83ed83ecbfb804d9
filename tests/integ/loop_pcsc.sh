#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Every card-writing operation of the counter over a PC/SC reader: a real pcscd with
# vsmartcard's vpcd, kwhsim the card behind it (LOOP_READER=pcsc by default here; the
# same scenario runs on the serial reader with LOOP_READER=serial). Open, daily sale,
# re-sale, reissue 未消费 and 已消费, refund card and the refund, meter change, a tool
# card, and read/wipe, each with the card pulled before its first byte, after one, in
# the middle and at the commit byte, and on a locked card (no PSC tries left). Each time
# kwhpos exits with its documented code; after `fault clear` and `kwhpos card read`
# nothing is pending, the books are those before (void) or those of an uninterrupted
# run (done), card and database agree, and no PSC try was spent. The slice
# (loop_slice: the sanitizer build of make check) pulls each card in the middle and at
# the commit byte only.
: "${LOOP_READER:=pcsc}"
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/loop_lib.sh"

A=10000001 M1=12345678 M2=22223333 M3=33334444

# operation NAME CARD PREPARE CMD...: the operation under test, run once on copies: N the
# bytes it writes, REF the books after it, BEFORE the books before
operation() {
    OPNAME=$1 CARD=$2 PREPARE=$3
    shift 3
    CMD=("$@")
    $PREPARE
    BEFORE=$(books)
    N=$(bytes_written "$CARD" "${CMD[@]}")
    REF=$(books "$T/dry.db")
    ok "$OPNAME: it writes the card ($N bytes) and changes the books" \
        test "$N" -gt 2 -a "$REF" != "$BEFORE"
}

# settled NAME done|void: settle_read (loop_lib.sh), and no PSC try was spent
settled() {
    settle_read "$1" "$2"
    is "$1: no PSC try was spent" "$(tries "$CARD")" 3
}

# pulled NAME RC done|void N: the card pulled after N bytes; exit RC, then settled
pulled() {
    local name="$OPNAME, pulled at byte $4" rc=$2 want=$3
    $PREPARE
    sim fault pull "$4" >/dev/null
    run kp "${CMD[@]}"
    is "$name: exit $rc" "$RC" "$rc"
    one_line "$name" "$OUT"
    settled "$name" "$want"
}

# pull_points RC: before the first byte, after one, in the middle (each exits RC, void)
# and at the commit byte (every byte but that one written: exit 8, void; a byte of the
# new record equal to the old one is not written, so the count can differ between two
# runs and is measured again); the slice: the middle and the commit byte
pull_points() {
    if ! loop_slice; then
        pulled "$OPNAME" "$1" void 0
        pulled "$OPNAME" "$1" void 1
    fi
    pulled "$OPNAME" "$1" void $((N / 2))
    pull_at_commit
    settled "$OPNAME, pulled at the commit byte" void
}

# locked: the operation on the same card with no PSC tries left: refused, nothing
# recorded, the card never presented to
locked() {
    local name="$OPNAME, a locked card"
    $PREPARE
    sed -i 's/^tries 3$/tries 0/' "$D/$CARD.card"
    sim insert "$CARD" >/dev/null
    run kp "${CMD[@]}"
    is "$name: exit 6" "$RC" 6
    like "$name: it says the card is locked" "$OUT" 'locked'
    one_line "$name" "$OUT"
    is "$name: nothing is pending" "$(kp pending)" ""
    is "$name: the books are as before" "$(books)" "$BEFORE"
    is "$name: the card still has no tries (none spent, none invented)" "$(tries "$CARD")" 0
}

start_sim
ok "the simulator plays the card for the $LOOP_READER reader" test -S "$D/control.sock"
ok "a site" new_site "$INI" "$DB" 123456
sim new-meter $M1 >/dev/null
sim new-meter $M2 >/dev/null
sim new-card c1 >/dev/null
sim new-card spare >/dev/null
save_world

# --- 用户开户 on a blank card ----------------------------------------------------------------
blank() { restore_world; sim insert c1 >/dev/null; }
operation "open" c1 blank open --name 张三 --meter $M1 --tariff 居民生活用电 --kwh 100
pull_points 6
locked

# the account for the rest: opened, loaded by its meter
blank
run kp "${CMD[@]}"
is "an account with 100 kWh" "$RC $(kv customer)" "0 $A"
sim eject >/dev/null
is "its meter takes the card: good" "$(mi $M1 c1)" "good"
sim insert c1 >/dev/null
kp card read >/dev/null
save_world
own_card() { restore_world; sim insert c1 >/dev/null; }

# --- 日常售电 ----------------------------------------------------------------------------------
operation "sale" c1 own_card sell --customer $A --kwh 10
pull_points 8
locked

# --- 重新售电: the sale not in the meter yet, replaced -------------------------------------------
own_card
kp sell --customer $A --kwh 10 >/dev/null
sim eject >/dev/null
save_world
sold_world=$T/sold
rm -rf "$sold_world" && cp -r "$T/world" "$sold_world"
operation "re-sale" c1 own_card resell --customer $A --kwh 20
pull_points 8
locked

# --- 补卡 未消费: the card lost before the meter saw the sale -----------------------------------
new_card() { restore_world; sim new-card r1 >/dev/null; sim insert r1 >/dev/null; }
operation "reissue 未消费" r1 new_card reissue --customer $A --unconsumed
pull_points 6
locked

# --- 补卡 已消费, 制退电卡 + 读卡退电, 换表, 工具卡, 读卡清卡: the sale in the meter ----------------
restore_world
mi $M1 c1 >/dev/null
sim insert c1 >/dev/null
kp card read >/dev/null
save_world
operation "reissue 已消费" r1 new_card reissue --customer $A --consumed --fee 5
pull_points 6
locked

operation "refund card" c1 own_card refund-card --customer $A
pull_points 8
locked
own_card
run kp refund-card --customer $A
is "refund card made: exit 0" "$RC" 0
sim eject >/dev/null
is "the meter takes the refund card: good" "$(mi $M1 c1)" "good"
run kp refund --pay cash
is "the refund with no card in the reader: exit 6" "$RC" 6
like "it says to insert the card" "$OUT" 'no card in the reader'
sim insert c1 >/dev/null
run kp refund --pay cash
is "the refund from the refund card: exit 0" "$RC" 0
is "the account is refunded" "$(q "SELECT status FROM customers WHERE customer_no = $A")" 2

operation "meter change" c1 own_card meter-change --customer $A --meter $M2 \
    --old-remaining 110 --kwh 10
pull_points 8
locked

new_tool() { restore_world; sim new-card t1 >/dev/null; sim insert t1 >/dev/null; }
operation "management card" t1 new_tool tool management --alarm 50 --overdraft 5 --hoard 999
pull_points 6
locked

# --- 读卡清卡: the commit byte goes first, so from the first byte on it is done ----------------
new_tool
kp tool management --alarm 50 --overdraft 5 --hoard 999 >/dev/null
run kp card read
is "读卡: the tool card reads as a management card" "$RC $(kv card)" "0 management"
save_world
tool_card() { restore_world; sim insert t1 >/dev/null; }
operation "wipe" t1 tool_card card wipe
pulled "wipe" 8 void 0
if ! loop_slice; then
    pulled "wipe" 8 done 1
    pulled "wipe" 8 done $((N / 2))
fi
pulled "wipe" 8 done $((N - 1))
locked

run kp pending
is "nothing is pending at the end" "$OUT" ""
run kp audit verify
like "the audit chain is intact" "$OUT" '^audit chain intact'
done_testing
