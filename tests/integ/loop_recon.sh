#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# kwh-backends: sqlite pg
# 对账 and 冲正 requests through the command line and the simulator: WeChat sales with
# references, a statement matched against them (the four groups, CSV, the exit codes for
# cron, bad files refused with the line named and nothing written), and reversal requests
# filed by a clerk and decided later by an administrator (four eyes, the rules checked
# again at approval, the audit naming both, the shift report counting those waiting);
# and a refund of an overdrawn meter left unpaid, which becomes the account's arrears.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/loop_lib.sh"
export TZ=Asia/Shanghai

A=10000001 M1=12345678
R1=4200000000000000001 R2=4200000000000000002 R3=4200000000000000003
R4=4200000000000000004 R5=4200000000000000005 R6=4200000000000000006
LI=li-pass-12 WANG=wang-pass-12
li() { printf '%s\n' "$LI" | "$KWHPOS" -c "$INI" --user li "$@"; }
wang() { printf '%s\n' "$WANG" | "$KWHPOS" -c "$INI" --user wang "$@"; }
loaded() { sim eject >/dev/null; mi $M1 c1 >/dev/null; sim insert c1 >/dev/null; }
rows() { printf '%s\n' "$OUT" | tr -d '\r' | grep -c -- "$1"; }
books() { q "SELECT count(*) || ' ' || coalesce(sum(amount_fen), 0) FROM sales"; }
today=$(date +%Y-%m-%d)

start_sim
ok "a site" new_site "$INI" "$DB" 123456
for who in "li seller li-first-12 $LI" "wang admin wang-first-12 $WANG"; do
    set -- $who
    printf '%s\n%s\n%s\n' "$PW" "$3" "$3" | "$KWHPOS" -c "$INI" --user system operator add --name "$1" --role "$2" >/dev/null
    printf '%s\n%s\n%s\n' "$3" "$4" "$4" | "$KWHPOS" -c "$INI" --user "$1" operator passwd >/dev/null
done
sim new-meter $M1 >/dev/null
sim new-card c1 >/dev/null
sim insert c1 >/dev/null
run kp open --name 张三 --meter $M1 --tariff 居民生活用电 --kwh 10 --pay cash
is "the opening" "$RC" 0
loaded
inv=()
for s in "$R1 50" "$R2 30" "$R3 20" "$R4 10" "$R6 5"; do
    set -- $s
    run li sell --customer $A --amount "$2" --pay wechat --ref "$1"
    is "a WeChat sale of $2.00 by li" "$RC" 0
    inv+=("$(kv invoice)")
    loaded
done

# --- 冲正 requests ------------------------------------------------------------------------------
# the last sale: its card went into the meter, but no read at the counter has said so yet
run li reverse request --invoice "${inv[4]}" --reason "顾客未付款"
is "li asks for the reversal of the 5.00 sale" "$RC" 0
REQ=$(kv request)
like "a request number" "$REQ" '^[0-9]+$'
run li reverse request --invoice "${inv[4]}" --reason again
is "a second request for the same sale is refused (exit 5)" "$RC" 5
like "it says one waits" "$OUT" "already waiting"
run li reverse approve "$REQ"
is "li (a seller) cannot approve (exit 4)" "$RC" 4
run li report shift
like "li's shift report counts the waiting request" "$OUT" "reversal requests waiting for an administrator: 1"
run kp reverse list --format csv
is "the list has it" "$(rows "^$REQ,waiting,.*,li,${inv[4]},$A,")" 1
before=$(books)
run kp reverse approve "$REQ"
is "system approves it (exit 0)" "$RC" 0
like "the reversal's invoice" "$(kv invoice)" '^[0-9]+$'
is "one reversal entry of -5.00" "$(q "SELECT count(*) || ' ' || sum(amount_fen) FROM sales WHERE reverses_id IS NOT NULL")" "1 -500"
is "made in li's name" "$(q "SELECT o.name FROM sales s JOIN operators o ON o.id = s.operator_id WHERE s.reverses_id IS NOT NULL")" li
is "the request is approved, linked to it" "$(q "SELECT state || ' ' || CASE WHEN reversal_id IS NULL THEN 0 ELSE 1 END FROM reversals WHERE id = $REQ")" "1 1"
like "the audit names both people" "$(q "SELECT operator || ' ' || after FROM audit WHERE op = 'reversal' ORDER BY id DESC LIMIT 1")" "^li .*requested_by=li.*approved_by=system request=$REQ"
run kp reverse approve "$REQ"
is "approving it again is refused (exit 5)" "$RC" 5
like "it says by whom" "$OUT" "already approved by system"

run kp reverse request --invoice "${inv[2]}" --reason "付款方式记错" --pay alipay --ref 2026120422001400000000000001
is "system itself asks for one (a correction)" "$RC" 0
REQ2=$(kv request)
run kp reverse approve "$REQ2"
is "and may not approve its own request (exit 4)" "$RC" 4
like "four eyes" "$OUT" "another person"
# the 10.00 sale, which the meter has taken (the next sale read its card): its money can be
# corrected, never cancelled
printf '%s\n%s\n' "$PW" "$WANG" | "$KWHPOS" -c "$INI" --user system reverse --invoice "${inv[3]}" --reason "顾客未付款" --approver wang >"$T/out" 2>&1
is "cancelling it is refused (exit 5)" "$?" 5
like "it says only a correction" "$(cat "$T/out")" "in the meter .*only corrected"
run li reverse request --invoice "${inv[3]}" --reason "金额记错" --amount 4
is "li asks for the 10.00 sale to be corrected to 4.00" "$RC" 0
REQ3=$(kv request)
printf '%s\n%s\n' "$PW" "$WANG" | "$KWHPOS" -c "$INI" --user system reverse --invoice "${inv[3]}" --reason "当场冲正：实为现金" --pay cash --approver wang >/dev/null
is "meanwhile the sale is corrected on the spot to cash (system, approved by wang)" "$?" 0
before=$(books)
run wang reverse approve "$REQ3"
is "approving the request now is refused (exit 5)" "$RC" 5
like "the rules apply at approval" "$OUT" "cannot be approved.*already reversed"
is "nothing written" "$(books)" "$before"
run wang reverse reject "$REQ3"
is "a rejection needs a reason (exit 2)" "$RC" 2
run wang reverse reject "$REQ3" --reason "已当场冲正"
is "wang rejects it" "$RC" 0
is "rejected by wang" "$(q "SELECT q.state || ' ' || o.name FROM reversals q JOIN operators o ON o.id = q.decided_by WHERE q.id = $REQ3")" "2 wang"
like "the audit keeps the reason and both people" "$(q "SELECT operator || ' ' || after FROM audit WHERE op = 'reversal-reject'")" "^wang request=$REQ3 .*requested_by=li reason=已当场冲正"
run kp reverse list --format csv
is "waiting: only system's own request" "$(printf '%s\n' "$OUT" | tail -n +2 | grep -c .)" 1
run kp reverse list --all --format csv
is "--all lists the three" "$(printf '%s\n' "$OUT" | tail -n +2 | grep -c .)" 3
run wang reverse approve "$REQ2"
is "wang approves system's correction" "$RC" 0
is "a reversal and its correction by alipay" "$(q "SELECT count(*) FROM sales WHERE reverses_id = (SELECT id FROM sales WHERE invoice_no = ${inv[2]}) AND state = 1")" 2
run li report shift
unlike "li's shift report: none waiting" "$OUT" "reversal requests waiting"

# --- 对账 ---------------------------------------------------------------------------------------
# R1 50 matched; R2 paid 30, 31 in the statement; R3 moved to Alipay by the correction (the
# WeChat sale reversed: counts 0); R4 10.00 corrected to cash: nothing by WeChat, its sale
# counts 0; R5 not in the ledger; R6 reversed (not paid)
cat >"$T/st.csv" <<EOF
交易时间,交易单号,金额
$today 09:00:01,\`$R1,¥50.00
$today 09:10:00,$R2,31.00
$today 10:00:00,$R5,8.00
EOF
before=$(books)
run kp reconcile --method wechat "$T/st.csv"
is "differences: exit 10" "$RC" 10
like "a summary" "$OUT" "matched +1 +50.00 +50.00"
run kp reconcile --method wechat --format csv "$T/st.csv"
is "CSV too" "$RC" 10
is "the header" "$(printf '%s\n' "$OUT" | head -1 | tr -d '\r')" "group,reference,time,statement,ledger,invoice,customer,line,note"
is "R1 matched" "$(rows "^matched,$R1,$today 09:00:01,50.00,50.00,${inv[0]},$A,2,")" 1
is "R5 in the statement only" "$(rows "^statement-only,$R5,.*,8.00,,,,4,")" 1
is "R2 differs" "$(rows "^differ,$R2,.*,31.00,30.00,${inv[1]},$A,3,")" 1
is "nothing else (R3, R4, R6 reversed: nothing expected)" "$(printf '%s\n' "$OUT" | tail -n +2 | grep -c .)" 3
is "nothing written" "$(books)" "$before"

cat >"$T/st2.csv" <<EOF
交易时间,交易单号,金额
$today 09:00:01,$R1,50.00
$today 09:10:00,$R2,30.00
$today 23:59:59,$R6,5.00
EOF
run kp reconcile --method wechat --format csv "$T/st2.csv"
is "R6 paid after all: its reversed sale counts 0 (exit 10)" "$RC" 10
is "R6 differs, 5.00 against 0.00" "$(rows "^differ,$R6,.*,5.00,0.00,${inv[4]},$A,4,reversed")" 1
head -3 "$T/st2.csv" >"$T/st3.csv"
run kp reconcile --method wechat "$T/st3.csv"
is "all matched: exit 0" "$RC" 0
run kp reconcile --method wechat --from "$(date -d tomorrow +%Y-%m-%d)" --to "$(date -d tomorrow +%Y-%m-%d)" --format csv "$T/st3.csv"
is "the ledger of another day: the payments are found by reference all the same (exit 0)" "$RC" 0
run kp reconcile --method card --format csv "$T/st3.csv"
is "a WeChat file as the POS terminal's: its references are not slip numbers (exit 2)" "$RC" 2
like "naming the line" "$OUT" "statement line 2: reference '$R1' is not a"

# --- bad files ---------------------------------------------------------------------------------
printf '交易时间,交易单号,金额\n%s 09:00:01,%s\n' "$today" $R1 >"$T/bad1.csv"
run kp reconcile --method wechat "$T/bad1.csv"
is "a missing column (exit 2)" "$RC" 2
like "named" "$OUT" "statement line 2: no column 3 \(the amount\)"
printf '交易时间,交易单号,金额\n%s 09:00:01,%s,12.345\n' "$today" $R1 >"$T/bad2.csv"
run kp reconcile --method wechat "$T/bad2.csv"
like "a bad amount" "$RC:$OUT" "^2:.*statement line 2: amount '12.345' is not yuan"
printf '交易时间,交易单号,金额\n%s 09:00:01,%s,1\xff\n' "$today" $R1 >"$T/bad3.csv"
run kp reconcile --method wechat "$T/bad3.csv"
like "bad UTF-8" "$RC:$OUT" "^2:.*statement line 2: not UTF-8"
printf '交易时间,交易单号,金额\n\n%s 09:00:01,%s,1\0\n' "$today" $R1 >"$T/bad4.csv"
run kp reconcile --method wechat "$T/bad4.csv"
like "a NUL" "$RC:$OUT" "^2:.*statement line 3: a NUL byte"
{ printf 'a,b,c\n'; head -c 5000 /dev/zero | tr '\0' x; printf '\n'; } >"$T/bad5.csv"
run kp reconcile --method wechat "$T/bad5.csv"
like "an over-long line" "$RC:$OUT" "^2:.*statement line 2: longer than 4096 bytes"
run kp reconcile --method cash "$T/st3.csv"
like "an unknown method" "$RC:$OUT" "^2:.*--method: wechat, alipay, card or transfer"
run kp reconcile --method wechat "$T/none.csv"
is "a missing file (exit 3)" "$RC" 3
printf '交易时间,交易单号,金额\n' >"$T/empty.csv"
run kp reconcile --method wechat "$T/empty.csv"
like "an empty statement needs the dates" "$RC:$OUT" "^2:.*give the dates"
run kp reconcile --method wechat --from "$today" --to "$today" --format csv "$T/empty.csv"
is "with them: every WeChat sale of the day is missing from it (exit 10)" "$RC" 10
is "R1 and R2 in the ledger only" "$(rows "^ledger-only,")" 2
is "still nothing written" "$(books)" "$before"

# --- an overdraft left unpaid at the refund ----------------------------------------------------
M2=22334455
sim eject >/dev/null
sim new-meter $M2 >/dev/null
sim new-card b1 >/dev/null
sim insert b1 >/dev/null
run kp open --name 李四 --meter $M2 --tariff 居民生活用电 --kwh 10 --overdraft 5
is "an account with 10 kWh and a 5 kWh overdraft" "$RC" 0
B=$(kv customer)
sim eject >/dev/null
mi $M2 b1 >/dev/null
sim use $M2 --kwh 12 >/dev/null
mi $M2 b1 >/dev/null
sim use $M2 --kwh 3 >/dev/null
is "the meter runs 3 kWh into the overdraft" "$(field $M2 remaining)" "-3.0"
mi $M2 b1 >/dev/null
sim insert b1 >/dev/null
run kp refund-card --customer "$B"
is "refund card made" "$RC" 0
sim eject >/dev/null
mi $M2 b1 >/dev/null
sim insert b1 >/dev/null
run kp refund --unpaid --pay cash
is "--unpaid with --pay is a usage error" "$RC" 2
run kp refund --unpaid
is "the overdraft left unpaid: exit 0" "$RC" 0
is "nothing taken in" "$(kv refund_kwh) $(kv refund_amount)" "-3.00 0.00"
is "the refund row records the energy, no money" \
    "$(q "SELECT amount_fen || ' ' || energy_ckwh FROM sales s JOIN customers c ON c.id = s.customer_id WHERE c.customer_no = $B AND s.kind = 6")" "0 300"
is "1.59 yuan owed as arrears" "$(q "SELECT arrears_fen || ' ' || status FROM customers WHERE customer_no = $B")" "159 2"
run kp arrears show --customer "$B"
like "its history says why" "$OUT" "entered.*1\.59.*读卡退电 overdraft 3\.00 kWh at 0\.5283 left unpaid"

# --- the debt carried to the next account on that meter ------------------------------------------
sim eject >/dev/null
run kp close --customer "$B"
is "the refunded account closed" "$RC" 0
sim new-card b2 >/dev/null
sim insert b2 >/dev/null
run kp open --name 王五 --meter $M2 --tariff 居民生活用电 --kwh 10 --quote
like "the quote says the debt is carried" "$(kv arrears_carried)" "^1\.59 from $B\$"
run kp open --name 王五 --meter $M2 --tariff 居民生活用电 --kwh 10
is "the new account on the same meter opened" "$RC" 0
C=$(kv customer)
is "and owes the debt" "$(kv arrears_owed)" "1.59"
is "the old account owes nothing now" "$(q "SELECT arrears_fen FROM customers WHERE customer_no = $B")" 0
run kp arrears show --customer "$B"
like "the old history names the new account" "$OUT" "carried.*-1\.59.*carried to account $C"
run kp arrears show --customer "$C"
like "the new history names the old one" "$OUT" "carried.*1\.59.*carried from account $B"
run kp arrears rule --fixed 1.00
sim eject >/dev/null
mi $M2 b2 >/dev/null
sim insert b2 >/dev/null
run kp sell --customer "$C" --amount 10
is "its next sale recovers 1.00 by the rule" "$(kv arrears) $(kv arrears_left)" "1.00 0.59"
done_testing
