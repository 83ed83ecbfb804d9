#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# kwh-backends: sqlite pg
# kwh-layouts: kwh1 test (tests/run.sh runs it in the test card layout too)
# The manual's whole loop through the kwhpos command line against `kwhsim serve`:
# opening, the meter's `good`, sale, re-sale before and after loading, reissue
# (未消费 and 已消费) with the old card refused, refund card, refund (and an overdraft
# owed), meter change with carry-over, transfer, closing. After each step both sides
# are looked at: the database, and the card or the meter.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/loop_lib.sh"

A=10000001 B=10000002 C=10000003
M1=12345678 M2=22223333 M3=33334444 M4=44445555
# money and energy of the done sales and refunds, as the database has them
sold() { q "SELECT COALESCE(SUM(amount_fen), 0) FROM sales s JOIN customers c ON c.id = s.customer_id
            WHERE c.customer_no = $1 AND s.state = 1"; }
acct() { q "SELECT status || ' ' || purchase_count || ' ' || card_gen || ' ' || balance_ckwh
            FROM customers WHERE customer_no = $1"; }
agrees() { [ "$(card_active "$2")" = "$(db_slot "$1")" ]; }
sales_rows() { q "SELECT COUNT(*) FROM sales"; }

start_sim
ok "the simulator starts" test -S "$D/control.sock"
ok "a site is created with area code 123456" new_site "$INI" "$DB" 123456
sim new-meter $M1 >/dev/null
sim new-card c1 >/dev/null
sim insert c1 >/dev/null

# --- 三. opening ---------------------------------------------------------------------
is "the new meter is un-opened" "$(field $M1 opened)" "no"
run kp open --name 张三 --meter $M1 --tariff 居民生活用电 --kwh 100 --pay cash
is "open: exit 0" "$RC" 0
is "the opening is done" "$(kv state)" "done"
is "customer number 10000001 is given" "$(kv customer)" "$A"
is "100 kWh at 0.5283 is 52.83 yuan" "$(kv amount)" "52.83"
is "database: open, count 1, generation 0, 100 kWh" "$(acct $A)" "1 1 0 10000"
is "database: 52.83 yuan taken" "$(sold $A)" "5283"
ok "the card's active slot is the one the database recorded" agrees $A c1
unlike "the card has the site's PSC now" "$(sim card-show c1)" '^psc ffffff'
is "no PSC try was lost" "$(tries c1)" 3
sim eject >/dev/null

# --- the meter: good ---------------------------------------------------------------------
out=$(sim meter-insert $M1 c1)
like "the meter shows good" "$out" "^meter $M1: good"
like "the meter is opened" "$out" 'opened +yes'
like "remaining 100.0 kWh" "$out" 'remaining +100\.0 kWh'
like "the meter took count 1" "$out" 'count +1 '
like "the meter erased the key area on the card" "$(piece c1 keyx)" '^(ff){48}$'
sim insert c1 >/dev/null
run kp card read
is "the counter reads the card back: exit 0" "$RC" 0
is "it sees the purchase in the meter" "$(kv in_meter)" "yes"
is "and the meter's report" "$(kv meter_report)" "meter=$M1 count=1 remaining=100.00 display=good"
is "database: the meter's report is kept" "$(q "SELECT loaded_count, reported_remaining_ckwh FROM customers WHERE customer_no = $A")" "1|10000"

# --- 四.1 sale --------------------------------------------------------------------------
run kp sell --customer $A --amount 50 --pay wechat
is "sale: exit 0" "$RC" 0
is "50 yuan buys 94.64 kWh" "$(kv kwh)" "94.64"
is "the sale is done, count 2" "$(kv state) $(kv purchase_count)" "done 2"
is "database: count 2, 194.64 kWh" "$(acct $A)" "1 2 0 19464"
is "database: 102.83 yuan taken" "$(sold $A)" "10283"
is "database: paid by wechat" "$(q "SELECT pay_method FROM sales WHERE invoice_no = $(kv invoice)")" "1"
ok "card and database agree after the sale" agrees $A c1
run kp card read
is "the card carries count 2 and 94.64 kWh" "$(kv purchase_count) $(kv purchase_kwh)" "2 94.64"
is "not yet in the meter" "$(kv in_meter)" "no"

# --- 四.2 re-sale before and after loading ------------------------------------------------
n=$(sales_rows)
run kp sell --customer $A --kwh 5
is "a second sale before loading is refused: exit 5" "$RC" 5
like "saying to load it or re-sell" "$OUT" 'has not reached the meter'
is "and records nothing" "$(sales_rows)" "$n"
run kp resell --customer $A --kwh 20
is "re-sale before loading: exit 0" "$RC" 0
is "it is a re-sale at the same count" "$(kv kind) $(kv purchase_count) $(kv amount)" "resale 2 10.57"
is "database: the replaced sale is cancelled" \
    "$(q "SELECT state FROM sales WHERE id = (SELECT replaces_id FROM sales WHERE kind = 3)")" "3"
is "database: 120 kWh, count still 2" "$(acct $A)" "1 2 0 12000"
is "database: 63.40 yuan taken, the 50 yuan undone" "$(sold $A)" "6340"
ok "card and database agree after the re-sale" agrees $A c1
sim eject >/dev/null
is "the re-sold card loads: good" "$(mi $M1 c1)" "good"
is "the meter has 120.0 kWh, not 214.64" "$(field $M1 remaining)" "120.0"
sim insert c1 >/dev/null
n=$(sales_rows)
run kp resell --customer $A --kwh 30
is "re-sale after loading is refused: exit 5" "$RC" 5
like "because it is in the meter" "$OUT" 'already in the meter'
is "and records nothing" "$(sales_rows)" "$n"
ok "card and database still agree" agrees $A c1

# --- 四.3 reissue, 未消费 -------------------------------------------------------------------
run kp sell --customer $A --kwh 10
is "a 10 kWh sale: count 3" "$(kv state) $(kv purchase_count)" "done 3"
sim eject >/dev/null
sim new-card c2 >/dev/null
sim insert c2 >/dev/null
run kp reissue --customer $A --unconsumed
is "reissue 未消费: exit 0" "$RC" 0
is "it is a reissue at count 3" "$(kv kind) $(kv purchase_count)" "reissue 3"
is "database: generation 1, balance unchanged" "$(acct $A)" "1 3 1 13000"
is "database: a reissue event" "$(q "SELECT after FROM events WHERE kind = 4")" "generation=1 consumed=0 fee=0"
ok "the new card is the one the database recorded" agrees $A c2
run kp card read
is "the new card carries the unloaded 10 kWh again" "$(kv purchase_count) $(kv purchase_kwh) $(kv generation)" "3 10.00 1"
sim eject >/dev/null
sim insert c1 >/dev/null
run kp card read
is "the old card is refused at the counter: exit 6" "$RC" 6
like "as replaced by a reissue" "$OUT" 'replaced by a reissued card'
run kp sell --customer $A --kwh 1
is "no sale on the old card: exit 6" "$RC" 6
is "the old card lost no PSC try" "$(tries c1)" 3
sim eject >/dev/null
is "the reissued card loads at the meter: good" "$(mi $M1 c2)" "good"
is "the meter has the 10 kWh once: 130.0" "$(field $M1 remaining)" "130.0"
is "the meter holds generation 1" "$(field $M1 generation)" "1"
is "the old card at the meter: E1" "$(mi $M1 c1)" "E1"
is "which loads nothing" "$(field $M1 remaining)" "130.0"

# --- 四.3 reissue, 已消费 -------------------------------------------------------------------
sim insert c2 >/dev/null
run kp sell --customer $A --kwh 5
is "a 5 kWh sale on the reissued card: count 4" "$(kv state) $(kv purchase_count)" "done 4"
sim eject >/dev/null
is "it loads: good" "$(mi $M1 c2)" "good"
sim new-card c3 >/dev/null
sim insert c3 >/dev/null
run kp reissue --customer $A --consumed --fee 5
is "reissue 已消费 with a 5 yuan fee: exit 0" "$RC" 0
is "the fee is on the receipt" "$(kv fee)" "5.00"
is "database: generation 2, count 4, 135 kWh" "$(acct $A)" "1 4 2 13500"
ok "the new card is the one the database recorded" agrees $A c3
run kp card read
is "the card says its purchase is already in the meter" "$(kv in_meter) $(kv generation)" "yes 2"
sim eject >/dev/null
is "the 已消费 card at the meter: good" "$(mi $M1 c3)" "good"
is "nothing loaded twice: 135.0" "$(field $M1 remaining)" "135.0"
is "the meter holds generation 2" "$(field $M1 generation)" "2"
is "the previous card at the meter: E1" "$(mi $M1 c2)" "E1"
sim insert c2 >/dev/null
run kp card read
is "and at the counter: exit 6" "$RC" 6

# --- 五. refund card, the meter, refund ----------------------------------------------------
sim insert c3 >/dev/null
run kp refund-card --customer $A
is "refund card made: exit 0" "$RC" 0
ok "card and database agree on the refund card" agrees $A c3
run kp card read
is "the card reads as a refund card" "$(kv card)" "refund"
run kp refund --quote
is "a refund card the meter has not seen is refused: exit 5" "$RC" 5
like "saying to insert it in the meter" "$OUT" "insert it in meter $M1"
sim eject >/dev/null
out=$(sim meter-insert $M1 c3)
like "the meter takes the refund card: good" "$out" "^meter $M1: good"
like "it is emptied" "$out" 'remaining +0\.0 kWh'
like "and trips" "$out" 'relay +open'
sim insert c3 >/dev/null
run kp refund --quote
is "the quote: 135 kWh, 71.32 yuan back" "$(kv remaining_kwh) $(kv refund_kwh) $(kv refund_amount)" "135.00 135.00 71.32"
is "the quote records nothing" "$(q "SELECT COUNT(*) FROM sales WHERE kind = 6")" "0"
run kp refund --pay cash
is "refund: exit 0" "$RC" 0
is "database: refunded, balance 0" "$(acct $A)" "2 4 2 0"
is "database: the refund pays back 71.32 yuan for 135 kWh" \
    "$(q "SELECT amount_fen, energy_ckwh FROM sales WHERE kind = 6")" "-7132|-13500"
is "database: all paid in is paid out (the reissue fee stays)" "$(sold $A)" "0"
is "database: the fee is kept" "$(q "SELECT SUM(fee_fen) FROM sales WHERE state = 1")" "500"
run kp refund --pay cash
is "a second refund is refused: exit 5" "$RC" 5
like "as already refunded" "$OUT" 'already refunded'
run kp sell --customer $A --kwh 5
is "no sale on the refund card: exit 6" "$RC" 6
like "it is not a user card" "$OUT" 'refund card, not a user card'

# --- 八. closing -----------------------------------------------------------------------
run kp close --customer $A
is "closing the refunded account: exit 0" "$RC" 0
is "database: closed" "$(q "SELECT status FROM customers WHERE customer_no = $A")" "3"
is "database: a closing event" "$(q "SELECT after FROM events WHERE kind = 102")" "status=closed"
run kp show --customer $A
is "show says closed" "$(kv status)" "closed"
sim eject >/dev/null

# --- 五. an overdraft owed -----------------------------------------------------------------
sim new-meter $M2 >/dev/null
sim new-card b1 >/dev/null
sim insert b1 >/dev/null
run kp open --name 李四 --meter $M2 --tariff 居民生活用电 --kwh 10 --overdraft 5
is "a second account with 10 kWh and a 5 kWh overdraft" "$RC $(kv customer)" "0 $B"
sim eject >/dev/null
is "it opens its meter: good" "$(mi $M2 b1)" "good"
like "12 kWh of load stops at zero credit" "$(sim use $M2 --kwh 12)" 'used 10\.00 kWh'
is "the meter tripped" "$(field $M2 relay)" "open"
mi $M2 b1 >/dev/null
is "the card again releases the overdraft" "$(field $M2 relay)" "closed"
sim use $M2 --kwh 3 >/dev/null
is "the meter runs 3 kWh into the overdraft" "$(field $M2 remaining)" "-3.0"
mi $M2 b1 >/dev/null
sim insert b1 >/dev/null
run kp card read
is "the counter sees the overdraft on the card" "$(kv meter_report)" "meter=$M2 count=1 remaining=-3.00 display=EA"
is "database: balance -3 kWh from the meter's report" "$(acct $B)" "1 1 0 -300"
run kp refund-card --customer $B
is "refund card made" "$RC" 0
sim eject >/dev/null
is "the meter takes it: good" "$(mi $M2 b1)" "good"
is "the overdraft is cleared in the meter" "$(field $M2 remaining)" "0.0"
sim insert b1 >/dev/null
run kp refund --pay cash
is "the refund of an overdraft: exit 0" "$RC" 0
is "the customer owes 3 kWh, 1.59 yuan" "$(kv refund_kwh) $(kv refund_amount)" "-3.00 -1.59"
is "database: the refund row takes 1.59 yuan in" \
    "$(q "SELECT amount_fen, energy_ckwh FROM sales s JOIN customers c ON c.id = s.customer_id
          WHERE c.customer_no = $B AND s.kind = 6")" "159|300"
is "database: refunded, balance 0" "$(acct $B)" "2 1 0 0"
sim eject >/dev/null

# --- 六. meter change with carry-over -------------------------------------------------------
sim new-meter $M3 >/dev/null
sim new-meter $M4 >/dev/null
sim new-card m1 >/dev/null
sim insert m1 >/dev/null
run kp open --name 王五 --meter $M3 --tariff 居民生活用电 --kwh 50
is "a third account on meter $M3" "$RC $(kv customer)" "0 $C"
sim eject >/dev/null
is "it opens: good" "$(mi $M3 m1)" "good"
sim use $M3 --kwh 20 >/dev/null
is "20 kWh used, 30.0 left in the old meter" "$(field $M3 remaining)" "30.0"
sim insert m1 >/dev/null
run kp meter-change --customer $C --meter $M4 --old-remaining 30 --kwh 10
is "meter change with 30 kWh carried and 10 kWh bought: exit 0" "$RC" 0
is "it is a meter change at count 2" "$(kv kind) $(kv meter) $(kv purchase_count)" "meter-change $M4 2"
is "only the new 10 kWh is paid" "$(kv amount)" "5.28"
is "database: the account is on the new meter with 40 kWh" \
    "$(q "SELECT meter_no, balance_ckwh FROM customers WHERE customer_no = $C")" "$M4|4000"
is "database: a meter change event" "$(q "SELECT before FROM events WHERE kind = 7")" \
    "meter=$M3 type=1 limit=60 remaining=3000"
ok "card and database agree after the meter change" agrees $C m1
run kp card read
is "the card is for the new meter with 40 kWh" "$(kv meter) $(kv purchase_kwh)" "$M4 40.00"
sim eject >/dev/null
is "the new meter is un-opened" "$(field $M4 opened)" "no"
out=$(sim meter-insert $M4 m1)
like "the new meter learns the key from the card: good" "$out" "^meter $M4: good"
like "it is opened" "$out" 'opened +yes'
like "with the carried and the bought energy: 40.0" "$out" 'remaining +40\.0 kWh'
like "at the card's count" "$out" 'count +2 '
is "the old meter refuses the card now: E5" "$(mi $M3 m1)" "E5"

# --- 七. transfer ----------------------------------------------------------------------
# the account found by its meter, as the screens find it
run kp transfer --meter $M4 --name 赵六 --phone 13800000000 --quote
is "a transfer quoted: exit 0, the account found by its meter" "$RC $(kv customer)" "0 $C"
is "the quote says who the new owner is" "$(kv name)" "赵六"
is "and changes nothing" "$(q "SELECT name FROM customers WHERE customer_no = $C")" "王五"
run kp transfer --meter $M4 --name 赵六 --phone 13800000000
is "transfer: exit 0" "$RC" 0
is "database: the new owner" "$(q "SELECT name, phone FROM customers WHERE customer_no = $C")" \
    "赵六|13800000000"
is "database: a transfer event keeps the old owner" "$(q "SELECT before FROM events WHERE kind = 101")" \
    "name=王五 address= phone="
sim insert m1 >/dev/null
run kp card read
is "the same card still works, for the new owner" "$RC $(kv account)" "0 $C 赵六 (open)"
ok "card and database agree after the transfer" agrees $C m1

# --- 八. closing with energy left ----------------------------------------------------------
run kp close --meter $M4
is "closing an account with 40 kWh left is refused: exit 5" "$RC" 5
like "saying to refund first" "$OUT" 'refund it first'
is "database: still open" "$(q "SELECT status FROM customers WHERE customer_no = $C")" "1"
sim eject >/dev/null

# --- 十一. tool cards, on meter $M4 (40 kWh, opened) -------------------------------------
# tool NAME CARD ARGS...: writes a tool card on a blank card and reads it back
tool() {
    local name=$1 card=$2; shift 2
    sim new-card "$card" >/dev/null
    sim insert "$card" >/dev/null
    run kp tool "$name" "$@"
    is "the $name card is written: exit 0" "$RC $(printf '%s\n' "$OUT" | tail -n 1)" \
        "0 $name card written"
    is "database: the $name card's write is done" \
        "$(q "SELECT state FROM card_ops WHERE kind = 9 ORDER BY id DESC LIMIT 1")" "1"
    is "the card's active slot is the one recorded" "$(card_active "$card")" \
        "$(q "SELECT lower(hex(slot)) FROM card_ops WHERE kind = 9 ORDER BY id DESC LIMIT 1")"
    run kp card read
    is "the counter reads it as a $name card" "$RC $(kv card)" "0 $name"
    sim eject >/dev/null
}
tool management t_mgmt --alarm 9999 --overdraft 9999 --hoard 9999
is "the 保电 card carries 9999 kWh of overdraft" "$(kv overdraft_kwh)" "9999.00"
is "the management card at the meter: good" "$(mi $M4 t_mgmt)" "good"
is "its alarm level applies" "$(field $M4 alarm)" "9999"
is "its overdraft applies" "$(field $M4 overdraft)" "9999"
is "its hoard limit applies" "$(field $M4 limit)" "9999"
is "the credit is untouched" "$(field $M4 remaining)" "40.0"

tool relay t_relay
is "the relay is closed before" "$(field $M4 relay)" "closed"
is "the relay card at the meter: good" "$(mi $M4 t_relay)" "good"
is "the relay flips open" "$(field $M4 relay)" "open"
sim use $M4 --kwh 1 >/dev/null
is "and comes back at the next action" "$(field $M4 relay)" "closed"
is "1 kWh was charged after it" "$(field $M4 remaining)" "39.0"

tool test t_test
is "the test card at the meter: good" "$(mi $M4 t_test)" "good"
is "test mode is on" "$(field $M4 test-mode)" "on"
like "energy in test mode is measured, not charged" "$(sim use $M4 --kwh 5)" 'not charged'
is "the credit stays 39.0" "$(field $M4 remaining)" "39.0"
mi $M4 t_test >/dev/null
is "the test card again ends test mode" "$(field $M4 test-mode)" "off"

tool clear t_clear
is "the clear card at the meter: good" "$(mi $M4 t_clear)" "good"
is "the meter is un-opened" "$(field $M4 opened)" "no"
is "its count is back to 0" "$(field $M4 count)" "0"
is "its credit is cleared" "$(field $M4 remaining)" "0.0"
is "the account's card cannot be checked by a keyless meter: E3" "$(mi $M4 m1)" "E3"
is "four tool card writes are recorded" "$(q "SELECT COUNT(*) FROM card_ops WHERE kind = 9 AND state = 1")" "4"
run kp tool clear
is "a tool card needs a card in the reader: exit 6" "$RC" 6

# --- totals and the audit chain --------------------------------------------------------
run kp balance
is "balance: two accounts open or refunded, 40 kWh" "$(kv accounts) $(kv balance_kwh)" "2 40.00"
run kp pending
is "nothing is pending" "$OUT" ""
run kp audit verify
like "the audit chain is intact" "$OUT" '^audit chain intact'
done_testing
