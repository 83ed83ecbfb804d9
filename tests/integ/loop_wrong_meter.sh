#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# A card put in another customer's meter: that meter refuses it (E5) and writes its own
# report over the card's. A purchase its own meter took must then never be re-sold
# (重新售电 would give it twice); the ledger remembers a report it read earlier, and
# without one the re-sale waits until the card has been back in its own meter.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/loop_lib.sh"

A=10000001
MA=12345678 MB=87654321
sales_done() { q "SELECT COUNT(*) || ' ' || COALESCE(SUM(amount_fen), 0) FROM sales WHERE state = 1"; }

start_sim
ok "the simulator starts" test -S "$D/control.sock"
ok "a site" new_site "$INI" "$DB" 123456
sim new-meter $MA >/dev/null
sim new-meter $MB >/dev/null
sim new-card c1 >/dev/null
sim insert c1 >/dev/null
run kp open --name 张三 --meter $MA --tariff 居民生活用电 --kwh 50 --pay cash
is "the opening: exit 0" "$RC" 0
sim eject >/dev/null
# the other meter belongs to an opened account (a meter writes its report only once it
# has the site's key)
sim new-card c2 >/dev/null
sim insert c2 >/dev/null
run kp open --name 李四 --meter $MB --tariff 居民生活用电 --kwh 10 --pay cash
is "the neighbour's opening: exit 0" "$RC" 0
sim eject >/dev/null
like "the neighbour's meter is opened" "$(sim meter-insert $MB c2)" "^meter $MB: good"

# --- its own meter takes the purchase, then the card goes into the wrong meter ----------
like "its own meter takes the 50 kWh" "$(sim meter-insert $MA c1)" "^meter $MA: good"
like "the wrong meter refuses the card" "$(sim meter-insert $MB c1)" "^meter $MB: E5"
before=$(sales_done)
sim insert c1 >/dev/null
run kp resell --customer $A --kwh 10
is "re-sale with another meter's report on the card: refused (exit 5)" "$RC" 5
like "the refusal names both meters and what to do" "$OUT" "last put in meter $MB.*its own meter $MA"
is "nothing sold, nothing cancelled" "$(sales_done)" "$before"
is "the opening is still done" "$(q "SELECT s.state FROM sales s JOIN customers c ON c.id = s.customer_id
    WHERE c.customer_no = $A")" 1
sim eject >/dev/null
like "the card back in its own meter: EA, nothing loaded twice" "$(sim meter-insert $MA c1)" \
    "^meter $MA: (good|EA)"
like "the meter still holds 50 kWh" "$(field $MA remaining)" '^50\.0'

# --- read at the counter now: the ledger takes the report; then the wrong meter again ---
sim insert c1 >/dev/null
run kp card read
is "the counter reads the card: exit 0" "$RC" 0
like "the card says the purchase is in the meter" "$OUT" 'in_meter: yes'
is "the ledger took the meter's count" "$(q "SELECT loaded_count FROM customers WHERE customer_no = $A")" 1
sim eject >/dev/null
like "the wrong meter again" "$(sim meter-insert $MB c1)" "^meter $MB: E5"
sim insert c1 >/dev/null
run kp card read
like "the ledger still knows the purchase is in the meter" "$OUT" 'in_meter: yes'
run kp resell --customer $A --kwh 10
is "re-sale refused: the ledger knows the meter took it (exit 5)" "$RC" 5
like "it says the purchase is in the meter" "$OUT" 'already in the meter'
is "nothing sold, nothing cancelled" "$(sales_done)" "$before"

# --- a daily sale goes ahead on the ledger's knowledge, and the meter takes it ----------
run kp sell --customer $A --kwh 20 --pay cash
is "a daily sale: exit 0" "$RC" 0
is "one more sale done" "$(q "SELECT COUNT(*) FROM sales WHERE state = 1")" 3
sim eject >/dev/null
like "its own meter takes purchase 2" "$(sim meter-insert $MA c1)" "^meter $MA: good"
like "the meter holds 70 kWh" "$(field $MA remaining)" '^70\.0'

# --- a bad amount is named before anything about the card -------------------------------
sim insert c1 >/dev/null
run kp sell --customer $A --kwh 0
is "0 kWh: refused as bad input (exit 2)" "$RC" 2
like "it names the energy" "$OUT" 'energy: enter more than 0 kWh'
run kp sell --customer $A --amount 99999999
is "above the per-sale maximum: refused as bad input (exit 2)" "$RC" 2
like "it names the maximum" "$OUT" 'above the per-sale maximum'
done_testing
