#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Meters before and beside the customer's card, through the command line and the
# simulator (manual 十二.2 and 十二.3):
#   M35 开户前电费: a meter delivered with a pre-charge that was partly used before the
#   opening takes it back from the first purchase; the two remedies of the manual work
#   (a clear card first; or 找补: the used part as an adjustment on the first purchase);
#   保电: a management card with the 9999 kWh preset keeps a meter switched on past zero
#   credit at once, with each meter's own rating as its limit; a management card never
#   lowers a meter's limit unless asked to;
#   a meter's refusal read back: a reissue that said 已消费 for a purchase the meter never
#   loaded is refused by the meter (E7), and reading that card says so and what to do.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/loop_lib.sh"

M1=31000001 M2=31000002 M3=31000003 M4=31000004 M5=31000005
# pre_used METER: a new meter with a 50 kWh pre-charge, 20 kWh of it used before opening
pre_used() {
    sim new-meter "$1" --preset 50 >/dev/null
    sim use "$1" --kwh 20 >/dev/null
}
# open_on METER CARD ARGS...: an account on a new blank card, then the card in the meter
open_on() {
    local meter=$1 card=$2; shift 2
    sim new-card "$card" >/dev/null
    sim insert "$card" >/dev/null
    run kp open --name 住户 --meter "$meter" --tariff 居民生活用电 "$@"
    sim eject >/dev/null
}

start_sim
ok "a site" new_site "$INI" "$DB" 123456

# --- M35: the pre-charge used before the opening --------------------------------------------
pre_used $M1
is "a meter with a pre-charge of 50 kWh, 20 used, holds 30" "$(field $M1 remaining)" "30.0"
is "and is switched on before any card" "$(field $M1 relay)" "closed"
open_on $M1 c1 --kwh 100
is "an opening with 100 kWh, no remedy: exit 0" "$RC" 0
is "the opening card loads: good" "$(mi $M1 c1)" "good"
is "the meter takes back the pre-charge and what was used of it: 80 left" \
    "$(field $M1 remaining)" "80.0"

# remedy one: a clear card first
pre_used $M2
sim new-card clr >/dev/null
sim insert clr >/dev/null
run kp tool clear
is "a clear card is written" "$RC" 0
sim eject >/dev/null
is "the clear card at the new meter: good" "$(mi $M2 clr)" "good"
is "the meter holds nothing, owes nothing" "$(field $M2 remaining)" "0.0"
open_on $M2 c2 --kwh 100
is "the opening after the clear card: exit 0" "$RC" 0
is "the opening card loads: good" "$(mi $M2 c2)" "good"
is "the customer gets all 100 kWh" "$(field $M2 remaining)" "100.0"

# remedy two: 找补, the used part as an adjustment on the opening purchase
pre_used $M3
open_on $M3 c3 --kwh 100 --adjust 20
is "the opening with 20 kWh of adjustment: exit 0" "$RC" 0
is "the customer pays for 100 kWh" "$(kv amount)" "52.83"
is "the adjustment is recorded, free of charge" "$(kv adjust_kwh)" "20.00"
is "the card loads 120 kWh" "$(kv card_kwh)" "120.00"
is "the opening card loads: good" "$(mi $M3 c3)" "good"
is "the customer has the 100 kWh paid for" "$(field $M3 remaining)" "100.0"
is "the ledger: the adjustment of the opening sale" \
    "$(q "SELECT adjust_ckwh FROM sales s JOIN customers c ON c.id = s.customer_id WHERE c.meter_no = $M3")" \
    2000

# --- 保电: a management card keeps the power on ----------------------------------------------
sim new-meter $M4 --rating 60 >/dev/null
open_on $M4 c4 --kwh 30 --limit 25
C4=$(kv customer)
is "an account whose meter is limited to 25 A" "$RC $(mi $M4 c4)" "0 good"
is "the limit power is 220 V x 25 A" "$(field $M4 power-limit)" "P=5.50"
sim new-card mg >/dev/null
sim insert mg >/dev/null
run kp tool management --alarm 10 --overdraft 5 --hoard 2000
is "a management card without a limit" "$RC $(kv limit_a)" "0 unchanged"
sim eject >/dev/null
is "at the meter: good" "$(mi $M4 mg)" "good"
is "it does not lower or raise the meter's limit" "$(field $M4 power-limit)" "P=5.50"
sim new-card keep >/dev/null
sim insert keep >/dev/null
run kp tool management --keep-on
is "the 保电 preset: the meter's rating, 9999 kWh each" \
    "$RC $(kv limit_a) $(kv alarm_kwh) $(kv overdraft_kwh) $(kv hoard_kwh)" \
    "0 rating 9999.00 9999.00 9999.00"
sim eject >/dev/null
is "the 保电 card at the meter: good" "$(mi $M4 keep)" "good"
is "its limit is the meter's rating: 220 V x 60 A" "$(field $M4 power-limit)" "P=13.20"
like "the credit runs out" "$(sim use $M4 --kwh 50)" 'used 50\.00 kWh'
is "保电: past zero credit the relay stays closed" "$(field $M4 relay)" "closed"
is "the meter runs into the overdraft at once" "$(field $M4 remaining)" "-20.0"
# the customer's next purchase sets the account's limits again
sim insert c4 >/dev/null
run kp sell --customer "$C4" --kwh 30
is "a sale pays the overdraft back" "$RC" 0
sim eject >/dev/null
is "the customer's card at the meter: good" "$(mi $M4 c4)" "good"
is "10 kWh left after the 20 used in overdraft" "$(field $M4 remaining)" "10.0"
is "the account's limit is back" "$(field $M4 power-limit)" "P=5.50"
like "at zero credit it trips again" "$(sim use $M4 --kwh 15)" '拉闸'
is "the relay is open" "$(field $M4 relay)" "open"

# --- a meter's refusal read back ------------------------------------------------------------
sim new-meter $M5 >/dev/null
open_on $M5 c5 --kwh 10
C5=$(kv customer)
is "an account, its opening loaded" "$(mi $M5 c5)" "good"
sim insert c5 >/dev/null
run kp sell --customer "$C5" --kwh 20
is "a sale that never reaches the meter: the card is lost" "$RC" 0
sim eject >/dev/null
sim new-card c5b >/dev/null
sim insert c5b >/dev/null
run kp reissue --customer "$C5" --consumed
is "a reissue that wrongly says 已消费" "$RC" 0
is "the ledger did not see purchase 2 in the meter" "$(kv last_purchase_in_meter)" "not known"
like "and the reissue says it goes against that" "$(kv against_evidence)" "refuses the new card \(E7\)"
sim eject >/dev/null
is "the meter refuses the new card: E7" "$(mi $M5 c5b)" "E7"
sim insert c5b >/dev/null
run kp card read
is "card read: the purchase is not in the meter" "$RC $(kv in_meter)" "0 no"
# 10 kWh left in the meter, and the 20 it refused are still the customer's
is "the refused purchase stays in the balance" \
    "$(q "select balance_ckwh from customers where customer_no = $C5")" 3000
like "it says the meter refused the card, and why" "$(kv meter_refused)" \
    "meter $M5 refused this card \(E7.*purchase 2 never reached it"
like "and what to do" "$(kv meter_refused)" "reissue the card again, with 未消费"
run kp sell --customer "$C5" --kwh 5
is "no sale onto the refused card (exit 5)" "$RC" 5
like "saying the same" "$OUT" "reissue the card again, with 未消费"
sim eject >/dev/null
sim new-card c5c >/dev/null
sim insert c5c >/dev/null
run kp reissue --customer "$C5" --unconsumed
is "a reissue with the right choice, 未消费" "$RC" 0
sim eject >/dev/null
is "the meter takes it: good" "$(mi $M5 c5c)" "good"
is "and loads the 20 kWh once" "$(field $M5 remaining)" "30.0"

run kp pending
is "nothing is pending" "$OUT" ""
done_testing
