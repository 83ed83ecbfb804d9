#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# kwh-backends: sqlite pg
# The money rules through the command line and the simulator (docs/units.md): a tiered
# sale crossing a tier bound, shown before it is made and recorded as shown; a sale with
# a fee and arrears recovered; a payment reference recorded once; a refund after the
# crossing paying each tier back at its price; bad tier tables refused.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/loop_lib.sh"

A=10000001 M1=12345678
loaded() { sim eject >/dev/null; mi $M1 "$1" >/dev/null; sim insert "$1" >/dev/null; }

start_sim
ok "a site" new_site "$INI" "$DB" 123456

# --- tier tables: bad ones refused, nothing written --------------------------------------------
run kp tariff add --name 阶梯 --tiers 200:0.5,100:0.6,0.8 --period monthly
is "tiers not increasing: refused (exit 2)" "$RC" 2
like "saying which" "$OUT" "tiers must increase: tier 1 ends at 200.00 kWh, tier 2 at 100.00 kWh"
run kp tariff add --name 阶梯 --tiers 200:0.5,400:0,0.8 --period monthly
is "a price of 0: refused" "$RC" 2
like "saying which tier" "$OUT" "tier 2: the price must be more than 0"
run kp tariff add --name 阶梯 --tiers 200:0.5,400:0.6,0.8 --period weekly
is "an unknown period: a usage error" "$RC" 2
is "no tariff added" "$(q "SELECT COUNT(*) FROM tariffs WHERE name = '阶梯'")" 0
run kp tariff add --name 阶梯 --tiers 200:0.5,400:0.6,0.8 --period monthly
is "a monthly ladder" "$RC" 0
like "tariff list shows its tiers" "$(kp tariff list)" "阶梯	0\.5000	0	monthly 200\.00:0\.5000,400\.00:0\.6000,0\.8000"
run kp tariff add --name 浙江居民 --tiers 2760:0.538,4800:0.588,0.838 --start-month 1
is "Zhejiang's annual ladder" "$RC" 0

# --- a sale across a bound ---------------------------------------------------------------------
sim new-meter $M1 >/dev/null
sim new-card c1 >/dev/null
sim insert c1 >/dev/null
run kp open --name 张三 --meter $M1 --tariff 阶梯 --kwh 150 --pay cash
is "the opening buys 150 kWh in tier 1" "$RC:$(kv tier)" "0:1 kwh=150.00 price=0.5000 amount=75.00"
loaded c1
run kp sell --customer $A --kwh 100 --quote
is "the quote splits 100 kWh at the bound" "$(printf '%s\n' "$OUT" | grep '^tier: ')" \
    "tier: 1 kwh=50.00 price=0.5000 amount=25.00
tier: 2 kwh=50.00 price=0.6000 amount=30.00"
is "and charges their sum" "$(kv amount)" 55.00
run kp sell --customer $A --kwh 100
is "the sale" "$RC" 0
is "recorded as quoted" "$(q "SELECT amount_fen FROM sales WHERE invoice_no = $(kv invoice)")" 5500
is "with its tiers" "$(q "SELECT COUNT(*) || ' ' || SUM(fen) FROM sale_items s JOIN sales t ON t.id = s.sale_id WHERE t.invoice_no = $(kv invoice)")" "2 5500"
run kp show --customer $A
is "the account counts 250 kWh in the period" "$(kv tier_period_kwh)" 250.00
loaded c1

# --- fees and arrears --------------------------------------------------------------------------
run kp fee add --name 服务费 --kind sale --amount 2
is "a service fee" "$RC" 0
run kp fee add --name 月费 --kind weekly --amount 2
is "an unknown fee kind: a usage error" "$RC" 2
run kp arrears add --customer $A --amount 50 --reason "旧表欠费"
is "an old debt" "$RC" 0
run kp arrears waive --customer $A --amount 60 --reason "too much"
is "waiving more than owed: refused" "$RC" 2
like "saying how much is owed" "$OUT" "owes 50.00 yuan"
run kp arrears rule --percent 10
is "the site recovers 10 %" "$RC" 0
run kp sell --customer $A --amount 1.50
is "a payment below the fee and 0.01 kWh: refused (exit 2)" "$RC" 2
like "with the amount to collect" "$OUT" "collect at least 2\.01 yuan"
run kp sell --customer $A --amount 100 --pay wechat --ref 4200001234202612041234567
is "a sale paying the fee and arrears" "$RC" 0
INV=$(kv invoice)
is "the fee" "$(kv fee_item)" "服务费 amount=2.00"
is "10 % of the payment recovered" "$(kv arrears)" 10.00
is "40.00 still owed" "$(kv arrears_left)" 40.00
is "88.00 of energy: 150 kWh of tier 2 would be 90.00, so 146.66 kWh" "$(kv amount):$(kv kwh)" "88.00:146.66"
is "the payment is fees + arrears + energy" "$(kv total)" 100.00
is "the reference" "$(kv pay_ref)" 4200001234202612041234567
loaded c1
run kp sell --customer $A --amount 20 --pay wechat --ref 4200001234202612041234567
is "the same reference again: refused (exit 5)" "$RC" 5
like "naming the invoice it was recorded with" "$OUT" "already recorded with invoice"
run kp sell --customer $A --amount 20 --pay card --ref 12ab
is "a malformed POS reference: refused" "$RC" 2
like "saying what it should be" "$OUT" "6 to 12 digits"
run kp arrears show --customer $A
is "the account owes 40.00" "$(kv arrears)" 40.00
like "its history: entered" "$OUT" "entered	50\.00	system	旧表欠费"
like "then recovered with the sale" "$OUT" "recovered	-10\.00	system	invoice [0-9]"

# --- 冲正: recorded as WeChat, paid in cash; approved by another administrator; the money of a
# purchase the meter took is corrected, never cancelled ------------------------------------------
printf '%s\n%s\n%s\n' "$PW" boss-pass-1 boss-pass-1 |
    "$KWHPOS" -c "$INI" --user system operator add --name boss --role admin >/dev/null
rev() { printf '%s\n%s\n' "$PW" "$1" | "$KWHPOS" -c "$INI" --user system reverse "${@:2}"; }
run rev boss-pass-1 --invoice "$INV" --reason "" --approver boss
is "a reversal without a reason: refused" "$RC" 2
run rev "$PW" --invoice "$INV" --reason "记成微信，实为现金" --pay cash --approver system
is "approved by the one who asks: refused (exit 4)" "$RC" 4
like "saying another person approves" "$OUT" "another person"
is "nothing written" "$(q "SELECT COUNT(*) FROM sales WHERE kind = 11")" 0
run rev boss-pass-1 --invoice "$INV" --reason "顾客称未付款" --approver boss
is "cancelling the money of a purchase the meter took: refused (exit 5)" "$RC" 5
like "saying it can only be corrected" "$OUT" "in the meter .*only corrected"
is "nothing written either" "$(q "SELECT COUNT(*) FROM sales WHERE kind = 11")" 0
run rev boss-pass-1 --invoice "$INV" --reason "记成微信，实为现金" --pay cash --approver boss
is "the reversal with its correction" "$RC" 0
is "it shows the sale it reverses" "$(kv reverses_invoice):$(kv reverses_total)" "$INV:100.00 wechat"
is "and the money as it was paid" "$(kv correction_total)" "100.00 cash"
is "money only" "$(kv energy)" "unchanged (money only)"
is "two linked entries" "$(q "SELECT COUNT(*) || ' ' || SUM(amount_fen + fee_fen + arrears_fen) FROM sales WHERE kind = 11")" "2 0"
is "WeChat no longer holds the 100.00" \
    "$(q "SELECT COALESCE(SUM(amount_fen + fee_fen + arrears_fen), 0) FROM sales WHERE state = 1 AND pay_method = 1")" 0
is "the arrears stay recovered" "$(q "SELECT arrears_fen FROM customers WHERE customer_no = $A")" 4000
run rev boss-pass-1 --invoice "$INV" --reason again --approver boss
is "a second reversal of the sale: refused (exit 5)" "$RC" 5
run rev boss-pass-1 --invoice "$(q "SELECT MAX(invoice_no) FROM sales")" --reason again --approver boss
is "a reversal of a reversal: refused (exit 5)" "$RC" 5
like "saying so" "$OUT" "is itself a reversal"
like "the audit names both" "$(q "SELECT operator || ' ' || after FROM audit WHERE op = 'reversal'")" "^system .*approved_by=boss"
run kp report shift --format csv
like "the shift shows the reversals" "$OUT" "reversal,2,0\.00,0\.00,0\.00"
like "the sales' total counts the fee and the arrears recovered" "$OUT" "sale,2,143\.00,2\.00,155\.00"
# the fee: taken with the sale (+2.00), cancelled by the reversal (-2.00), taken again by
# the correction (+2.00)
run kp report shift --fees --format csv
is "the shift's money per fee type, net of the reversal" "$(tr -d "\r" <<<"$OUT")" "fee,name,count,amount
fee1,服务费,1,2.00"
run kp report shift
like "the text report lists the fee types" "$OUT" "fees by type:"
like "each with its count and money" "$OUT" "fee1 +服务费 +1 +2\.00"
like "the json too" "$(kp report shift --format json)" '"fees":\[\{"fee":"fee1","name":"服务费","count":1,"amount":2\.00\}\]'
run kp report items --format csv
is "kWh and money per tier and per fee" "$(tr -d "\r" <<<"$OUT")" "item,name,count,kwh,amount
tier1,,2,200.00,100.00
tier2,,2,196.66,118.00
fee1,服务费,1,,2.00"

# --- a refund after the crossing ---------------------------------------------------------------
# the meter uses 276.66 kWh of the 396.66 bought: 120 kWh are left; the newest purchase
# (146.66 kWh of tier 2) is worth 88.00 whole, so the 120 kWh are a part of it at 0.60
sim use $M1 --kwh 276.66 >/dev/null
run kp refund-card --customer $A
is "a refund card" "$RC" 0
loaded c1
run kp refund --quote
is "the meter reports 120 kWh left" "$(kv remaining_kwh)" 120.00
is "all paid for" "$(kv refund_kwh)" 120.00
is "at tier 2's price, rounded down" "$(kv refund_amount)" 72.00
run kp refund
is "the refund" "$RC" 0
is "recorded as quoted" "$(q "SELECT amount_fen FROM sales WHERE kind = 6")" -7200
is "the period gives the 120 kWh back" \
    "$(q "SELECT period_ckwh FROM customers WHERE customer_no = $A")" $((39666 - 12000))
run kp audit verify
like "the audit chain is intact" "$OUT" '^audit chain intact'
done_testing
