#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# kwh-backends: sqlite pg
# Ways energy could be given twice or money lost, through the command line and the
# simulator, each refused with nothing written: a re-sale after a reissue whose old card
# went into the meter, a re-sale on a damaged meter report, a card for a refunded
# account, and two terminals issuing to the same account at once.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/loop_lib.sh"

A=10000001 M1=12345678
sales_done() { q "SELECT COUNT(*) || ' ' || COALESCE(SUM(amount_fen), 0) FROM sales WHERE state = 1"; }
loaded() { sim eject >/dev/null; mi $M1 "$1" >/dev/null; sim insert "$1" >/dev/null; }

start_sim
ok "a site" new_site "$INI" "$DB" 123456
sim new-meter $M1 >/dev/null
sim new-card c1 >/dev/null
sim insert c1 >/dev/null
run kp open --name 张三 --meter $M1 --tariff 居民生活用电 --kwh 100 --pay cash
is "the opening" "$RC" 0
loaded c1

# --- a re-sale after a reissue, the old card having loaded the sale --------------------------
run kp sell --customer $A --amount 50
is "a sale, not yet in the meter" "$RC" 0
sim eject >/dev/null
sim new-card c2 >/dev/null
sim insert c2 >/dev/null
run kp reissue --meter $M1 --unconsumed
is "the card reported lost: reissue 未消费, the account found by its meter" "$RC" 0
sim eject >/dev/null
like "the old card, found, loads the sale into the meter" "$(mi $M1 c1)" good
rem=$(field $M1 remaining)
before=$(sales_done)
sim insert c2 >/dev/null
run kp resell --customer $A --kwh 0.01
is "a re-sale on the new card is refused (exit 5)" "$RC" 5
like "the last write to the card was the reissue" "$OUT" 'last write to this card was not a sale'
is "nothing sold, nothing cancelled" "$(sales_done)" "$before"
sim eject >/dev/null
like "the new card at the meter loads nothing twice" "$(mi $M1 c2)" 'good|EA'
is "the meter holds what it held" "$(field $M1 remaining)" "$rem"
sim insert c2 >/dev/null

# --- a damaged meter report: unknown, so no re-sale ------------------------------------------
run kp sell --customer $A --amount 10
is "another sale" "$RC" 0
sim eject >/dev/null
like "the meter takes it" "$(mi $M1 c2)" good
flip c2 "$(at c2 remaining)"
sim insert c2 >/dev/null
before=$(sales_done)
run kp resell --customer $A --kwh 0.01
is "a re-sale on a damaged report is refused (exit 5)" "$RC" 5
like "it says the report is damaged" "$OUT" "report on the card is damaged.*meter $M1"
is "nothing sold, nothing cancelled" "$(sales_done)" "$before"
run kp meter-change --customer $A --meter 55556666 --old-remaining 10
is "a meter change on a damaged report is refused (exit 5)" "$RC" 5
like "it says why and what to do" "$OUT" "damaged or another meter's.*put the card in meter $M1"
is "the account keeps its meter" "$(q "SELECT meter_no FROM customers WHERE customer_no = $A")" $M1
is "nothing sold" "$(sales_done)" "$before"
loaded c2
run kp card read
is "the meter's next report mends it" "$(kv in_meter)" yes

# --- a refunded account gets no new card -----------------------------------------------------
run kp refund-card --customer $A
is "a refund card" "$RC" 0
loaded c2
run kp refund
is "the refund is paid" "$RC" 0
sim eject >/dev/null
sim new-card c3 >/dev/null
sim insert c3 >/dev/null
before=$(sales_done)
run kp reissue --customer $A --unconsumed
is "a reissue for the refunded account is refused (exit 5)" "$RC" 5
like "it says to close the account" "$OUT" 'was refunded.*close it'
is "nothing written" "$(sales_done)" "$before"
is "the blank card stays blank" "$(card_active c3)" none

# --- two terminals issue the first card of one account at once -------------------------------
printf 'name,meter,tariff\n李四,22223333,1\n' >"$T/one.csv"
run kp import customers "$T/one.csv"
is "an imported account" "$RC" 0
B=$(q "SELECT customer_no FROM customers WHERE name = '李四'")
D2=$T/sim2
mkdir -p "$D2"
"$KWHSIM" --dir "$D2" serve --baud 2400 --card-timing >/dev/null 2>>"$T/serve2.log" &
pid2=$!
on_exit "kill $pid2 2>/dev/null; wait $pid2 2>/dev/null"
ok "a second terminal's reader" wait_for 10 test -S "$D2/control.sock" -a -e "$D2/reader"
"$KWHSIM" --dir "$D2" new-card d1 >/dev/null && "$KWHSIM" --dir "$D2" insert d1 >/dev/null
sim eject >/dev/null; sim new-card c4 >/dev/null; sim insert c4 >/dev/null
{ db_ini "$DB" && printf '[reader]\nport = %s\nbaud = 2400\n' "$D2/reader"; } >"$T/k2.ini"
before=$(q "SELECT COUNT(*) FROM sales WHERE state = 1")
(printf '%s\n' "$PW" | "$KWHPOS" -c "$T/k2.ini" --user system issue-card --customer "$B" --amount 50 \
    >"$T/t2.out" 2>&1; echo $? >"$T/t2.rc") &
t2=$!
one_pending() { [ "$(q 'SELECT COUNT(*) FROM card_ops WHERE state = 0')" = 1 ]; }
wait_for 30 one_pending
run kp issue-card --customer "$B" --amount 50
wait $t2
rcs="$RC $(cat "$T/t2.rc")"
like "the refused one says why" "$OUT $(cat "$T/t2.out")" "changed meanwhile|not settled|pending|already has a card"
ok "one terminal issues the card, the other is refused" sh -c "[ '$rcs' = '0 5' ] || [ '$rcs' = '5 0' ]"
is "one sale of 50 yuan, not two" "$(q "SELECT COUNT(*) FROM sales WHERE state = 1")" $((before + 1))
is "nothing left pending" "$(kp pending)" ""
run kp audit verify
like "the audit chain is intact" "$OUT" '^audit chain intact'
done_testing
