#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# kwh-backends: sqlite pg
# 冲正 taking the energy back through the command line and the simulator (issue 13 §3):
# a purchase still on the card, not loaded, comes back off it (the card back at the
# purchase count before, the meter loading nothing from it, the ledger's linked entry
# cancelling money and energy); without the card, or once the meter has loaded the
# purchase, the energy stays and the command says so, nothing written.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/loop_lib.sh"

A=10000001 M1=12345678
loaded() { sim eject >/dev/null; mi $M1 c1 >/dev/null; sim insert c1 >/dev/null; }
count() { kp card read 2>/dev/null | sed -n 's/^purchase_count: //p' | head -n 1; }
kwh_on_card() { kp card read 2>/dev/null | sed -n 's/^purchase_kwh: //p' | head -n 1; }
rev() { printf '%s\n%s\n' "$PW" "$1" | "$KWHPOS" -c "$INI" --user system reverse "${@:2}"; }
reversals() { q "SELECT COUNT(*) || ' ' || COALESCE(SUM(amount_fen), 0) || ' ' || COALESCE(SUM(energy_ckwh), 0) FROM sales WHERE kind = 11 AND state = 1"; }

start_sim
ok "a site" new_site "$INI" "$DB" 123456
printf '%s\n%s\n%s\n' "$PW" boss-pass-1 boss-pass-1 |
    "$KWHPOS" -c "$INI" --user system operator add --name boss --role admin >/dev/null
sim new-meter $M1 >/dev/null
sim new-card c1 >/dev/null
sim insert c1 >/dev/null
run kp open --name 张三 --meter $M1 --tariff 居民生活用电 --kwh 100 --pay cash
is "the opening" "$RC" 0
loaded c1
REM0=$(field $M1 remaining)
COUNT0=$(count)
KWH0=$(kwh_on_card)

# --- a sale to the wrong account, still on the card --------------------------------------------
run kp sell --customer $A --amount 50
is "a sale" "$RC" 0
INV=$(kv invoice)
KWH=$(kv kwh)
is "the card holds it" "$(count)" $((COUNT0 + 1))
# without the card in the reader: refused, nothing written
sim eject >/dev/null
run rev boss-pass-1 --invoice "$INV" --reason "卖错户" --energy --approver boss
ok "without the card: refused" test "$RC" != 0
is "nothing written" "$(reversals)" "0 0 0"
sim insert c1 >/dev/null
run rev boss-pass-1 --invoice "$INV" --reason "卖错户" --energy --pay cash --approver boss
is "with a correction: a usage error" "$RC" 2
like "saying why" "$OUT" "no correction with it"
run kp reverse --invoice "$INV" --reason "卖错户" --energy --quote
is "the quote" "$RC" 0
is "shows the energy coming off the card" "$(kv energy)" "$KWH kWh off the card"
is "and the card's purchase count going back" "$(kv card_purchase_count)" "$((COUNT0 + 1)) -> $COUNT0"
is "the quote writes nothing" "$(count)" $((COUNT0 + 1))
run rev boss-pass-1 --invoice "$INV" --reason "卖错户" --energy --approver boss
is "the energy reversal, approved" "$RC" 0
is "the card is back at the purchase before" "$(count)" "$COUNT0"
is "and its energy" "$(kwh_on_card)" "$KWH0"
is "the linked entry cancels the money and the energy" "$(reversals)" \
    "1 $(q "SELECT -amount_fen FROM sales WHERE invoice_no = $INV") $(q "SELECT -energy_ckwh FROM sales WHERE invoice_no = $INV")"
is "the original stands" "$(q "SELECT state FROM sales WHERE invoice_no = $INV")" 1
is "the card write is settled" "$(q "SELECT state FROM card_ops WHERE kind = 11")" 1
sim eject >/dev/null
is "the meter loads nothing from the card" "$(mi $M1 c1)" "good"
is "its energy is as before" "$(field $M1 remaining)" "$REM0"
sim insert c1 >/dev/null
run kp show --customer $A
is "the account's balance is as before the sale" "$(kv balance_kwh)" "$(q "SELECT balance_ckwh FROM customers WHERE customer_no = $A" | awk '{ printf "%.2f", $1 / 100 }')"

# --- the next sale goes onto the card and into the meter ---------------------------------------
run kp sell --customer $A --amount 20
is "the next sale" "$RC" 0
INV2=$(kv invoice)
is "at the next purchase count" "$(count)" $((COUNT0 + 1))
sim eject >/dev/null
is "the meter loads it: good" "$(mi $M1 c1)" "good"
sim insert c1 >/dev/null
run kp card read
run rev boss-pass-1 --invoice "$INV2" --reason "顾客称未付款" --energy --approver boss
is "its energy once in the meter: refused (exit 5)" "$RC" 5
like "saying only the money can be reversed" "$OUT" "already in the meter: its energy cannot be taken back"
is "nothing more written" "$(reversals)" "1 -5000 $(q "SELECT -energy_ckwh FROM sales WHERE invoice_no = $INV")"
run kp report shift --format csv
like "the shift shows the reversal" "$OUT" "reversal,1,-50\.00,0\.00,-50\.00"
run kp audit verify
like "the audit chain is intact" "$OUT" '^audit chain intact'
done_testing
