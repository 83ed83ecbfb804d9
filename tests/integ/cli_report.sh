#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# kwhpos report, query, shift and export as processes, after real card sales through the
# simulated reader and meters: every total is checked against the amounts the sale
# commands printed, added up here; every error is a one-line message and an exit code.
. "$(dirname "$0")/lib.sh"
export TZ=Asia/Shanghai

. "$(dirname "$0")/cli_lib.sh"
# "12.34" -> 1234 (fen), exactly
fen() {
    local v=$1 neg=
    [[ $v == -* ]] && neg=- && v=${v#-}
    echo "$neg$((10#${v%.*} * 100 + 10#${v#*.}))"
}
field() { printf '%s\n' "$1" | sed -n "s/^$2: //p"; }
TODAY=$(date +%F)

cli_site --unit 测试物业

# What the sale commands print, added up: all, the clerk's, cash by the clerk.
n_all=0 fen_all=0 kwh_all=0 n_clerk=0 fen_clerk=0 cash_clerk=0
note() { # who receipt-text
    local a kw fee p
    a=$(fen "$(field "$2" amount)")
    kw=$(fen "$(field "$2" kwh)")
    fee=$(fen "$(field "$2" fee)")
    p=$(field "$2" pay)
    n_all=$((n_all + 1)) fen_all=$((fen_all + a)) kwh_all=$((kwh_all + kw))
    if [ "$1" = clerk ]; then
        n_clerk=$((n_clerk + 1)) fen_clerk=$((fen_clerk + a))
        [ "$p" = cash ] && cash_clerk=$((cash_clerk + a + fee))
    fi
    return 0
}
unnote() { # who receipt-text: a sale replaced by a re-sale (its money given back)
    local a kw p
    a=$(fen "$(field "$2" amount)")
    kw=$(fen "$(field "$2" kwh)")
    p=$(field "$2" pay)
    n_all=$((n_all - 1)) fen_all=$((fen_all - a)) kwh_all=$((kwh_all - kw))
    if [ "$1" = clerk ]; then
        n_clerk=$((n_clerk - 1)) fen_clerk=$((fen_clerk - a))
        [ "$p" = cash ] && cash_clerk=$((cash_clerk - a))
    fi
    return 0
}
# the card goes to its meter and back
to_meter() { sim eject >/dev/null; sim meter-insert "$2" "$1" >/dev/null; sim insert "$1" >/dev/null; }

# --- sales on real (simulated) cards ----------------------------------------------------
sim new-card c1 >/dev/null
sim new-meter 11111111 >/dev/null
sim insert c1 >/dev/null
out=$(clerk open --name 张三 --address "一号楼 101" --meter 11111111 --tariff 居民生活用电 --kwh 100)
is "the clerk opens 张三's account" "$?" 0
note clerk "$out"
C1=$(field "$out" customer)
to_meter c1 11111111
out=$(clerk sell --customer "$C1" --amount 50 --pay wechat); note clerk "$out"
to_meter c1 11111111
out=$(admin sell --customer "$C1" --kwh 30.5 --pay alipay); note admin "$out"
to_meter c1 11111111
out=$(clerk sell --customer "$C1" --kwh 12.34); note clerk "$out"
replaced=$out
out=$(clerk resell --customer "$C1" --kwh 20 --adjust 1.5)
is "the clerk re-sells before the meter loaded it" "$?" 0
unnote clerk "$replaced"
note clerk "$out"
resold=$(field "$out" amount)

sim new-card c2 >/dev/null
sim new-meter 22222222 >/dev/null
sim insert c2 >/dev/null
out=$(admin open --name 李四 --meter 22222222 --tariff 一般工商业用电 --amount 200 --pay card)
note admin "$out"
C2=$(field "$out" customer)
to_meter c2 22222222
out=$(clerk sell --customer "$C2" --amount 88.88); note clerk "$out"

ALL=(--from 2000-01-01 --to 2100-01-01)
# --- M21: the listing, and every report, against the tally ----------------------------
out=$(clerk query sales "${ALL[@]}" --format csv)
total=$(printf '%s\n' "$out" | grep '^total,')
is "query sales: the count is the sales made, under count" "$(echo "$total" | tr -d '\r' | awk -F, '{print $NF}')" "$n_all"
is "query sales: nothing under customer in the total line" "$(echo "$total" | cut -d, -f3)" ""
is "query sales: the amount is their sum" "$(fen "$(echo "$total" | cut -d, -f11)")" "$fen_all"
is "query sales: the energy is their sum" "$(fen "$(echo "$total" | cut -d, -f7)")" "$kwh_all"
rows=$(printf '%s\n' "$out" | grep -cv '^time,\|^total,')
is "query sales lists one row per sale" "$rows" "$n_all"
like "the re-sale is listed, the sale it replaced is not" "$(printf '%s\n' "$out" | grep resale)" ",$resold,"
out=$(clerk report daily --format json)
amount=$(printf '%s' "$out" | grep -o '"totals":{[^}]*}' | grep -o '"amount":[-0-9.]*' | cut -d: -f2)
if [ "$(date +%F)" = "$TODAY" ]; then
    is "report daily (today by default) totals the day's sales" "$(fen "$amount")" "$fen_all"
fi
out=$(clerk report monthly --format csv)
is "report monthly (this month): the same total" \
    "$(fen "$(printf '%s\n' "$out" | grep '^total,' | cut -d, -f8)")" "$fen_all"
out=$(clerk report period "${ALL[@]}" --operator clerk --format csv)
is "report period --operator clerk: the clerk's sales" \
    "$(fen "$(printf '%s\n' "$out" | grep '^total,' | cut -d, -f8)")" "$fen_clerk"
is "and their count" "$(printf '%s\n' "$out" | grep '^total,' | cut -d, -f4)" "$n_clerk"
# the reports as PDF: the report's text, then bar charts of its rows (kWh and money).
# fontconfig, under Pango, keeps its parsed configuration for the life of the process
printf 'leak:libfontconfig.so\n' >"$T/lsan.supp"
export LSAN_OPTIONS=suppressions=$T/lsan.supp
MONTH=$(date +%Y-%m)
clerk report monthly --from "$MONTH" --to "$MONTH" --format pdf >"$T/m.pdf"; rc=$?
is "report monthly --format pdf exits 0" "$rc" 0
is "a PDF" "$(head -c 5 "$T/m.pdf")" "%PDF-"
out=$(pdftotext -layout "$T/m.pdf" -)
like "with the report's text" "$out" 'monthly report \(月报表\)'
like "a chart of the kWh per month" "$out" 'kWh sold per month'
like "and one of the money" "$out" 'money per month \(yuan\)'
like "each bar labelled with its month" "$out" "$MONTH"
like "the money chart's scale is the month's money" "$out" \
    "$(printf '%s\n' "$(clerk report monthly --format csv)" | grep '^total,' | cut -d, -f8)"
clerk report period --from "$TODAY" --to "$TODAY" --format pdf >"$T/p.pdf"
out=$(pdftotext -layout "$T/p.pdf" -)
like "report period --format pdf: a chart of the days" "$out" 'kWh sold per day'
like "its bars labelled by day" "$out" "$TODAY"
like "under the period's text" "$out" 'period report \(段时期报表\)'
out=$(clerk report period --from 2025-01-01 --to "$TODAY" --format pdf | pdftotext -layout - -)
like "a period longer than two months: a bar a month" "$out" 'kWh sold per month'
out=$(echo "$CLERK" | LANGUAGE=zh_CN k --user clerk report daily --format pdf | pdftotext -layout - -)
like "in Chinese too" "$out" '每日售电量'
r=$(script -qec "echo $CLERK | $KWHPOS -c $T/k.ini --user clerk report monthly --format pdf" /dev/null 2>&1 | tr -d "\\r")
like "not onto a terminal" "$r" 'send it to one'
out=$(clerk report monthly --format pdf --bom 2>&1 >/dev/null); rc=$?
is "--format pdf --bom: exit 2" "$rc" 2

out=$(clerk report daily --from "$TODAY" --to "$TODAY")
like "the daily report in text names itself" "$out" '^daily report \(日报表\)'
like "and has today's row" "$out" "^$TODAY +$n_all "
like "and a row per kind" "$out" '^resale +1 '
like "and per payment method" "$out" '^wechat +1 '
out=$(clerk query sales "${ALL[@]}" --customer "$C2")
like "query sales --customer: only that account" "$out" '^2 of 2 purchases$'
out=$(clerk query sales "${ALL[@]}" --meter 11111111 --format csv)
is "query sales --meter" "$(printf '%s\n' "$out" | grep '^total,' | tr -d '\r' | awk -F, '{print $NF}')" $((n_all - 2))
out=$(clerk query sales "${ALL[@]}" --name 李)
like "query sales --name" "$out" '^2 of 2 purchases$'
out=$(clerk query sales "${ALL[@]}" --limit 2 --offset 1 --format json)
like "a page: its rows, the totals of all" "$out" "\"totals\":\\{\"count\":$n_all,"
is "two rows on the page" "$(printf '%s' "$out" | grep -o '"invoice"' | wc -l)" 2

# --- M20 ---------------------------------------------------------------------------------
out=$(clerk query customers)
like "query customers: every open account" "$out" '^2 of 2 accounts$'
like "with its name" "$out" "^$C1 +张三 +11111111"
out=$(clerk query customers --meter 22222222 --format csv)
is "query customers --meter" "$(printf '%s\n' "$out" | tail -n +2 | cut -d, -f1)" "$C2"
out=$(clerk query customers --tariff 一般工商业用电)
like "query customers --tariff" "$out" '^1 of 1 accounts$'
out=$(clerk query customers --address 一号楼 --format json)
like "query customers --address" "$out" "^\\{\"total\":1,"
out=$(clerk query customers --name 王)
like "a filter nothing matches" "$out" '^0 of 0 accounts$'

# --- M22-M25 -------------------------------------------------------------------------------
clerk transfer --customer "$C2" --name 王五 --phone 139 >/dev/null
out=$(clerk query transfers)
like "query transfers lists today's transfer" "$out" "$C2  王五"
like "with its new owner" "$(clerk query transfers --format csv)" 'name=李四.*name=王五'
sim new-card c3 >/dev/null
sim insert c3 >/dev/null
out=$(clerk open --name "Tom Lee" --meter 33333333 --tariff 1)
note clerk "$out"
C3=$(field "$out" customer)
clerk close --customer "$C3" >/dev/null
like "query closings" "$(clerk query closings --operator clerk)" "^1 of 1 closings"
like "query closings by another operator" "$(clerk query closings --operator system)" '^0 of 0'
sim new-card c4 >/dev/null
sim insert c4 >/dev/null
out=$(clerk reissue --customer "$C2" --unconsumed --fee 10); note clerk "$out"
like "query reissues shows the fee" "$(clerk query reissues --format csv)" ",10.00,"
sim new-meter 44444444 >/dev/null
to_meter c4 22222222
out=$(admin meter-change --customer "$C2" --meter 44444444 --old-remaining 5)
is "the admin changes 王五's meter" "$?" 0
note admin "$out"
like "query meter-changes" "$(clerk query meter-changes)" "$C2"
like "the old and new meter numbers" "$(clerk query meter-changes --format json)" 'meter=22222222.*meter=44444444'

# --- B7 交班 --------------------------------------------------------------------------------
out=$(clerk report shift --format json)
exp=$(printf '%s' "$out" | grep -o '"expected_cash":[-0-9.]*' | cut -d: -f2)
is "the shift's expected cash is the clerk's cash sales" "$(fen "$exp")" "$cash_clerk"
out=$(clerk report shift)
like "the shift report lists the re-sale and what it gave back" "$out" '^resale-return +1 '
clerk report shift --operator system >/dev/null 2>"$T/err"; rc=$?
is "a seller cannot see another operator's shift (exit 4)" "$rc" 4
like "told so in one line" "$(cat "$T/err")" 'administrator'
admin report shift --operator clerk >/dev/null; rc=$?
is "an admin can" "$rc" 0
clerk shift close >/dev/null 2>"$T/err"; rc=$?
is "shift close without the counted cash exits 2" "$rc" 2
like "asking for the count first" "$(cat "$T/err")" '--counted'
counted=$((cash_clerk - 100))
out=$(clerk shift close --counted "$((counted / 100)).$(printf '%02d' $((counted % 100)))")
is "shift close with the blind count exits 0" "$?" 0
like "the report shows the shortfall" "$out" '^difference +-1\.00  \(short\)'
like "and the shift's number" "$out" '^shift #1$'
out=$(clerk report shift --shift 1)
like "the closed shift reads back" "$out" '^counted cash .*'
out=$(clerk report shift --format json)
like "the next shift starts empty" "$out" '"net":0\.00'
clerk report shift --shift 99 >/dev/null 2>"$T/err"; rc=$?
is "an unknown shift exits 3" "$rc" 3

# --- 80 columns, CJK aligned ------------------------------------------------------------
for cmd in "query sales ${ALL[*]}" "query customers --closed" "report daily" "report monthly" \
    "report period" "report shift --shift 1" "query transfers" "query meter-changes"; do
    # shellcheck disable=SC2086
    w=$(clerk $cmd | wc -L)
    ok "'$cmd' fits 80 columns" test "$w" -le 80
done
# the meter number starts at the same display column whatever the name's width
out=$(clerk query customers --closed)
starts=$(printf '%s\n' "$out" | grep -E '^[0-9]{8} ' | while IFS= read -r line; do
    rest=${line:8}
    printf '%s' "${line:0:8}${rest%%[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]  *}" | wc -L
done | sort -u)
cols=$(printf '%s\n' "$starts" | wc -l)
is "names of different widths (Tom Lee, 张三) line up by display width" "$cols" 1
ok "at a column after the widest name" test "$starts" -gt 16

# --- export ------------------------------------------------------------------------------
clerk export customers --closed >"$T/utf8.csv"
clerk export customers --closed --encoding gb18030 >"$T/gb.csv"
ok "the GB18030 export is the UTF-8 one, converted" \
    cmp -s <(iconv -f GB18030 -t UTF-8 "$T/gb.csv") "$T/utf8.csv"
like "张 is D5C5 in the GB18030 bytes" "$(od -An -tx1 "$T/gb.csv" | tr -d ' \n')" 'd5c5c8fd'
like "lines end CRLF" "$(head -n 1 "$T/utf8.csv" | od -An -c | tr -d ' \n')" '\\r\\n$'
like "a field with a comma is quoted" "$(clerk export customers)" '"一号楼 101"|一号楼 101'
clerk export sales "${ALL[@]}" --output "$T/sales.csv" 2>"$T/err"; rc=$?
is "export sales --output exits 0" "$rc" 0
like "and says how many" "$(cat "$T/err")" "[0-9]+ purchases written to $T/sales.csv"
is "one line per sale plus the header" "$(wc -l <"$T/sales.csv")" $((n_all + 1))

# --- pending writes in the shift and in check --------------------------------------------
sim new-card c5 >/dev/null
sim new-meter 55555555 >/dev/null
sim insert c5 >/dev/null
clerk open --name 钱七 --meter 55555555 --tariff 1 --kwh 10 >/dev/null
to_meter c5 55555555
sim fault pull 40 >/dev/null
clerk sell --customer "$(clerk query customers --meter 55555555 --format csv | tail -n 1 | cut -d, -f1)" \
    --kwh 5 >/dev/null 2>"$T/err"; rc=$?
is "a sale whose card was pulled exits 8 (pending)" "$rc" 8
sim fault clear >/dev/null
sim insert c5 >/dev/null
like "the shift report lists it as pending" "$(clerk report shift)" 'pending \(read these cards'
k check >"$T/out" 2>"$T/err"; rc=$?
is "check exits 8 while a card write is pending" "$rc" 8
like "and lists it" "$(cat "$T/out")" '^  op [0-9]+ .* sale .* 钱七'
clerk card read >/dev/null
k check >/dev/null; rc=$?
is "reading the card settles it: check exits 0" "$rc" 0
# a write pulled before its first byte never reached the card: read, it is voided
C5=$(clerk query customers --meter 55555555 --format csv | tail -n 1 | cut -d, -f1)
sim eject >/dev/null
sim fault pull 0 >/dev/null
sim insert c5 >/dev/null
clerk sell --customer "$C5" --kwh 7 >/dev/null 2>"$T/err"; rc=$?
ok "a sale pulled before its first byte fails (exit $rc)" test "$rc" -ne 0
sim fault clear >/dev/null
sim insert c5 >/dev/null 2>&1
clerk card read >/dev/null 2>&1
out=$(clerk report shift)
like "the shift report lists the voided attempt" "$out" 'voided attempts \(never reached the card, no money\):'
like "with its customer" "$(printf '%s\n' "$out" | sed -n '/^voided attempts/,$p')" "$C5"
like "the json lists it" "$(clerk report shift --format json)" '"voided":\[\{'

# --- card read of a card that is not ours never says blank ----------------------------------
{
    printf 'kwhsim-card 1\npsc ffffff\ntries 3\n'
    for row in 0 1 2 3 4 5 6 7 8 9 a b c d e f; do
        printf '%s0:' "$row"; for _ in $(seq 16); do printf ' 5a'; done; printf '\n'
    done
} >"$D/junk.card"
sim eject >/dev/null 2>&1
sim insert junk >/dev/null
out=$(clerk card read 2>"$T/err"); rc=$?
is "card read of a junk card exits 6" "$rc" 6
unlike "and does not call it blank" "$out" 'card: blank'
like "it says why it is refused first" "$(printf '%s\n' "$out" | head -n 1)" '^refused: '
sim eject >/dev/null 2>&1

# --- errors: one line on stderr, documented exit codes ----------------------------------
err() { # name exit-code regex command...
    local name=$1 code=$2 re=$3; shift 3
    "$@" >/dev/null 2>"$T/err"; rc=$?
    is "$name exits $code" "$rc" "$code"
    like "$name says what is wrong" "$(cat "$T/err")" "$re"
    is "$name: one line" "$(wc -l <"$T/err")" 1
}

# --- M26 balance against the accounts themselves (sqlite3, not kwhpos) ---------------------
exp_acc=$(sqlite3 "$T/site.db" "SELECT count(*) FROM customers WHERE status IN (1, 2)")
exp_ckwh=$(sqlite3 "$T/site.db" "SELECT coalesce(sum(balance_ckwh), 0) FROM customers WHERE status IN (1, 2)")
exp_fen=$(sqlite3 "$T/site.db" "SELECT coalesce(sum((b * p + 5000) / 10000), 0) FROM (SELECT
    sum(c.balance_ckwh) AS b, (SELECT price FROM tariff_prices tp WHERE tp.tariff_id = c.tariff_id
    ORDER BY id DESC LIMIT 1) AS p FROM customers c WHERE c.status IN (1, 2) GROUP BY c.tariff_id)")
out=$(clerk balance)
is "balance: the open accounts" "$(field "$out" accounts)" "$exp_acc"
is "balance: their energy" "$(fen "$(field "$out" balance_kwh)")" "$exp_ckwh"
is "balance: its value at current prices" "$(fen "$(field "$out" balance_yuan)")" "$exp_fen"
ok "and there is some" test "$exp_ckwh" -gt 0

# --- --password-fd ----------------------------------------------------------------------
echo "$CLERK" >"$T/pw"
out=$(k --user clerk --password-fd 3 balance 3<"$T/pw" </dev/null); rc=$?
is "--password-fd 3 with 3<FILE logs in" "$rc" 0
like "and runs the command" "$out" '^accounts: '
err "a closed --password-fd" 4 '--password-fd 7: file descriptor 7 is not open' \
    k --user clerk --password-fd 7 balance
err "an empty --password-fd" 4 '--password-fd 3: the password line is empty' \
    sh -c "'$KWHPOS' -c '$T/k.ini' --user clerk --password-fd 3 balance 3</dev/null"
err "an empty standard input" 4 'first line of standard input is empty' \
    sh -c "'$KWHPOS' -c '$T/k.ini' --user clerk balance </dev/null"
err "--password-fd that is not a number" 2 '--password-fd needs a file descriptor number' \
    k --user clerk --password-fd x balance

# --- ports ------------------------------------------------------------------------------
k ports >"$T/out" 2>"$T/err"; rc=$?
is "ports exits 0" "$rc" 0
ok "and lists readers (DRIVER<TAB>NAME<TAB>LABEL) or says there are none" \
    sh -c "grep -qP '^(serial\t/dev/|pcsc\t)[^\t]+\t' '$T/out' || grep -q 'no card reader found' '$T/err'"

# --- a seller is refused admin card work before the reader is looked at ---------------------
printf '[database]\npath = %s\n' "$T/site.db" >"$T/noreader.ini"
for cmd in "meter-change --customer $C1 --meter 66666666 --old-remaining 1" \
    "edit --customer $C1 --name x" "tool clear" "tool management" "close --customer $C1 --force"; do
    # shellcheck disable=SC2086
    err "a seller's $cmd (no reader configured)" 4 'needs an administrator' \
        sh -c "echo '$CLERK' | '$KWHPOS' -c '$T/noreader.ini' --user clerk $cmd"
done
err "a seller's relay card without a reader is the reader's problem" 6 'no card reader' \
    sh -c "echo '$CLERK' | '$KWHPOS' -c '$T/noreader.ini' --user clerk tool relay"

# --- M20 by number and by last purchase; M24/M25 by period; monthly ------------------------
out=$(clerk query customers --customer "$C1" --format csv)
is "query customers --customer: that account" "$(printf '%s\n' "$out" | tail -n +2 | cut -d, -f1)" "$C1"
like "query customers --from/--to today: accounts that bought today" \
    "$(clerk query customers --from "$TODAY" --to "$TODAY")" "^[1-9][0-9]* of [1-9][0-9]* accounts$"
like "query customers --from/--to long ago: none" \
    "$(clerk query customers --from 2001-01-01 --to 2001-12-31)" '^0 of 0 accounts$'
like "query reissues over all time" "$(clerk query reissues "${ALL[@]}")" "$C2"
like "query reissues long ago: none" "$(clerk query reissues --from 2001-01-01 --to 2001-01-02)" '^0 of 0'
like "query meter-changes by the admin" "$(clerk query meter-changes "${ALL[@]}" --operator system)" "$C2"
like "query meter-changes by the clerk: none" "$(clerk query meter-changes "${ALL[@]}" --operator clerk)" '^0 of 0'
out=$(clerk report monthly --from "${TODAY:0:7}" --to "${TODAY:0:7}" --format csv)
is "report monthly --from/--to this month: one row and the total" "$(printf '%s\n' "$out" | grep -c "^${TODAY:0:7},\|^total,")" 2
err "a date that does not exist" 2 "2026-02-30.*not a real date" clerk query sales --from 2026-02-30
err "a period that ends before it begins" 2 'before it begins' clerk report daily --from 2026-11-30 --to 2026-11-01
err "a date in another form" 2 'YYYY-MM-DD' clerk report daily --from 30/11/2026
err "an unknown format" 2 'text, csv, json or xlsx' clerk query sales --format xml
err "an unknown encoding" 2 'utf-8 or gb18030' clerk export sales --encoding latin1
err "a page of 0 rows" 2 'limit' clerk query sales --limit 0
err "an unknown option" 2 'unknown option --frm' clerk report daily --frm 2026-01-01
err "a customer number with letters" 2 '8 digits' clerk query sales --customer 12ab
err "an unknown tariff" 3 "no tariff '无此电价'" clerk query customers --tariff 无此电价
err "a query without a login" 4 '--user' k query sales
err "a wrong password" 4 'password' sh -c "echo wrong | '$KWHPOS' -c '$T/k.ini' --user clerk query sales"
err "a daily report of 20 years" 2 'too long' clerk report daily --from 2000-01-01 --to 2020-01-01
err "an operator nobody has" 3 'no operator' admin report shift --operator nobody

out=$("$KWHPOS" --help)
for cmd in 'report daily' 'report monthly' 'report period' 'report shift' 'shift close' \
    'query customers' 'query sales' 'query transfers' 'query closings' 'query reissues' \
    'query meter-changes' backup restore check 'export customers' 'export sales' \
    'import customers' issue-card; do
    like "--help lists $cmd" "$out" "^  $cmd  "
done
like "help report daily shows its options" "$("$KWHPOS" help report daily)" '--from D.*--format'

done_testing
