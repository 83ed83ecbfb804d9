#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Cards that are not this site's: a card written by another site (another area code,
# or the same area code with another site secret) and cards edited by hand. The
# counter refuses them without spending a PSC try or writing a byte; the meter
# shows E6 or E3 and loads nothing.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/loop_lib.sh"

A=10000001 M1=12345678
INI2=$T/other.ini DB2=$T/other.db
INI3=$T/twin.ini DB3=$T/twin.db

start_sim
ok "the simulator starts" test -S "$D/control.sock"
ok "our site, area code 123456" new_site "$INI" "$DB" 123456
ok "another site, area code 654321" new_site "$INI2" "$DB2" 654321
ok "a third site with our area code but its own secret" new_site "$INI3" "$DB3" 123456

# our account on meter M1, with a sale that has not reached the meter yet
sim new-meter $M1 >/dev/null
sim new-card c1 >/dev/null
sim insert c1 >/dev/null
run kp open --name 张三 --meter $M1 --tariff 居民生活用电 --kwh 100
is "our account is opened" "$RC $(kv customer)" "0 $A"
sim eject >/dev/null
is "it opens meter $M1: good" "$(mi $M1 c1)" "good"
older=$(piece c1 commit) # the commit byte that shows the opening's record
sim insert c1 >/dev/null
run kp sell --customer $A --kwh 10
is "a 10 kWh sale" "$RC $(kv state)" "0 done"
sim eject >/dev/null
ops=$(q "SELECT COUNT(*) FROM card_ops")
sales=$(q "SELECT COUNT(*) FROM sales")

# refused CARD WHY: every counter command on the card refuses it, and nothing changes
refused() {
    local card=$1 why=$2
    cp "$D/$card.card" "$T/$card.before"
    sim insert "$card" >/dev/null
    run kp card read
    is "$card: reading it exits 6" "$RC" 6
    like "$card: and says why" "$OUT" "refused: .*$why"
    run kp sell --customer $A --kwh 5
    is "$card: no sale on it (exit 6)" "$RC" 6
    like "$card: the sale says why" "$OUT" "$why"
    run kp card wipe
    is "$card: it cannot be wiped here (exit 6)" "$RC" 6
    run kp open --name 冒名 --meter 87654321 --tariff 居民生活用电 --kwh 1
    is "$card: no account can be opened on it (exit 6)" "$RC" 6
    sim eject >/dev/null
    is "$card: no PSC try was spent" "$(tries "$card")" 3
    ok "$card: not a byte of it was written" cmp -s "$T/$card.before" "$D/$card.card"
    is "$card: the database recorded no card write" "$(q "SELECT COUNT(*) FROM card_ops")" "$ops"
    is "$card: and no sale" "$(q "SELECT COUNT(*) FROM sales")" "$sales"
}

# --- another site's card for the same meter number ------------------------------------
sim new-card f1 >/dev/null
sim insert f1 >/dev/null
KINI=$INI2 run kp open --name 外人 --meter $M1 --tariff 居民生活用电 --kwh 500
is "the other site opens an account on its own card" "$RC" 0
sim eject >/dev/null
refused f1 'another site \(area code 654321'
is "at our meter the other site's card shows E6" "$(mi $M1 f1)" "E6"
is "and loads nothing" "$(field $M1 remaining)" "100.0"
is "the meter spent no try of the foreign card" "$(tries f1)" 3

# --- the same area code, another site's secret -------------------------------------------
sim new-card f2 >/dev/null
sim insert f2 >/dev/null
KINI=$INI3 run kp open --name 双胞 --meter $M1 --tariff 居民生活用电 --kwh 500
is "the twin site opens an account on its own card" "$RC" 0
sim eject >/dev/null
refused f2 'protection check failed'
is "at our meter the twin's card shows E3" "$(mi $M1 f2)" "E3"
is "and loads nothing" "$(field $M1 remaining)" "100.0"

# --- our own card, one byte edited by hand ---------------------------------------------
cp "$D/c1.card" "$D/x1.card"
# one byte of the purchase energy: 10 kWh becomes much more
poke x1 "$(at x1 energy 2)" 27
is "the forged card differs from the genuine one in one byte" \
    "$(paste <(card_bytes c1 0 256 | fold -w2) <(card_bytes x1 0 256 | fold -w2) |
       awk '$1 != $2' | wc -l)" 1
refused x1 'protection check failed'
is "the forged card at the meter: E3" "$(mi $M1 x1)" "E3"
is "which loads nothing" "$(field $M1 remaining)" "100.0"
is "the meter spent no try on it" "$(tries x1)" 3

# the commit byte turned back to the older genuine record (a card rolled back)
cp "$D/c1.card" "$D/x2.card"
poke x2 "$(at x2 commit)" "$older"
refused x2 'does not show the last record'
is "the rolled-back card's older purchase at the meter: EA" "$(mi $M1 x2)" "EA"
is "which loads nothing" "$(field $M1 remaining)" "100.0"

# a bit of the older record in the inactive slot: not a genuine earlier version
cp "$D/c1.card" "$D/x3.card"
flip x3 "$(at x3 inactive 3)"
refused x3 "second record is altered"

# the meter's report forged: more credit than the meter wrote is not believed
is "the genuine card loads: good" "$(mi $M1 c1)" "good"
is "the meter holds 110.0 kWh" "$(field $M1 remaining)" "110.0"
sim insert c1 >/dev/null
run kp card read
is "the counter reads the meter's report" "$(kv meter_report)" "meter=$M1 count=2 remaining=110.00 display=good"
balance=$(q "SELECT balance_ckwh FROM customers WHERE customer_no = $A")
is "database: 110 kWh" "$balance" "11000"
sim eject >/dev/null
cp "$D/c1.card" "$D/x4.card"
# one byte of the remaining energy the meter reported: more credit than it wrote
poke x4 "$(at x4 remaining 1)" 7f
sim insert x4 >/dev/null
run kp card read
is "a card with a forged report still reads (the purchase is genuine)" "$RC" 0
unlike "but the forged report is not shown" "$OUT" 'meter_report'
is "database: the balance did not move" "$(q "SELECT balance_ckwh FROM customers WHERE customer_no = $A")" "$balance"
sim eject >/dev/null

# the genuine card is unharmed by all of it
sim insert c1 >/dev/null
run kp sell --customer $A --kwh 5
is "the genuine card still sells" "$RC $(kv purchase_count)" "0 3"
ok "card and database agree" test "$(card_active c1)" = "$(db_slot $A)"
run kp audit verify
like "the audit chain is intact" "$OUT" '^audit chain intact'
done_testing
