#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# kwhpos import customers and issue-card as processes: accounts from a spreadsheet's CSV
# (UTF-8 or GB18030), all or nothing with every bad line named, then the first card of
# an imported account written through the simulated reader and taken by a new meter.
. "$(dirname "$0")/lib.sh"
export TZ=Asia/Shanghai

. "$(dirname "$0")/cli_lib.sh"
accounts() { clerk query customers --format json | grep -o '"total":[0-9]*' | cut -d: -f2; }

cli_site

# --- a good file, as a spreadsheet saves it ----------------------------------------------
printf '\xef\xbb\xbfname,address,phone,meter,type,tariff,purchase_count\r\n' >"$T/good.csv"
printf '张三,"一号楼, 101",138,10000001,单相,居民生活用电,\r\n' >>"$T/good.csv"
printf '"李 ""小"" 四",二号楼,,10000002,single,一般工商业用电,7\r\n' >>"$T/good.csv"
printf 'Tom,,,10000003,,1,\r\n' >>"$T/good.csv"
out=$(admin import customers "$T/good.csv"); rc=$?
is "import of a good file exits 0" "$rc" 0
like "and says which numbers the accounts got" "$out" '^imported 3 accounts: customer numbers 10000001 to 10000003$'
like "and how their cards are written" "$out" 'issue-card'
csv=$(clerk query customers --format csv)
like "the quoted comma came through" "$csv" '"一号楼, 101"'
like "and the doubled quotes" "$csv" '"李 ""小"" 四"'
is "no imported account has a card" "$(printf '%s\n' "$csv" | grep -c ',open,none,')" 3
out=$(clerk query customers --after 10000001 --limit 1 --format csv)
is "--after 10000001 --limit 1: the next account by key" "$(printf '%s\n' "$out" | sed -n 2p | cut -d, -f1)" 10000002
is "one row" "$(printf '%s\n' "$out" | grep -c '^1000000')" 1
clerk query customers --after 10000001 --offset 1 >/dev/null 2>"$T/err"; rc=$?
is "--after with --offset is a usage error" "$rc" 2
like "saying to give one" "$(cat "$T/err")" 'give one of them'

# --- GB18030, as Excel saves CSV on Chinese Windows ------------------------------------------
printf 'name,meter,tariff\n王五,10000004,居民生活用电\n' | iconv -f UTF-8 -t GB18030 >"$T/gb.csv"
admin import customers "$T/gb.csv" >/dev/null 2>"$T/err"; rc=$?
is "a GB18030 file without --encoding exits 2" "$rc" 2
like "saying to add --encoding gb18030" "$(cat "$T/err")" 'not UTF-8.*--encoding gb18030'
is "and imports nothing" "$(accounts)" 3
out=$(admin import customers "$T/gb.csv" --encoding gb18030); rc=$?
is "with --encoding gb18030 it imports" "$rc" 0
like "the name read right" "$(clerk query customers --meter 10000004)" '王五'

# --- bad lines: all named, nothing imported ----------------------------------------------------
cat >"$T/bad.csv" <<'EOF2'
name,meter,tariff,alarm,limit
好,20000001,居民生活用电,10,40
坏,2000000x,居民生活用电,10,40
价,20000003,没有这个电价,10,40
大,20000004,居民生活用电,10,99
,20000005,居民生活用电,10,40
重,20000001,居民生活用电,10,40
占,10000001,居民生活用电,10,40
好二,20000008,居民生活用电,,
七位,2000001,居民生活用电,10,40
九位,200000011,居民生活用电,10,40
EOF2
admin import customers "$T/bad.csv" >"$T/out" 2>"$T/err"; rc=$?
is "a file with bad lines exits 2" "$rc" 2
is "nothing of it was imported" "$(accounts)" 4
is "nothing on standard output" "$(cat "$T/out")" ""
err=$(cat "$T/err")
like "line 3: the meter number" "$err" "bad.csv:3: meter '2000000x': digits only; a meter number is exactly 8 digits"
like "line 10: a meter number of 7 digits" "$err" "bad.csv:10: meter '2000001' has 7 digits; a meter number is exactly 8 digits"
like "line 11: a meter number of 9 digits" "$err" "bad.csv:11: meter '200000011' has 9 digits"
like "line 4: the tariff" "$err" "bad.csv:4: no tariff '没有这个电价'"
like "line 5: the current limit above the rating" "$err" 'bad.csv:5: current limit 99 A'
like "line 6: the name" "$err" 'bad.csv:6: name is empty'
like "line 7: a meter twice in the file" "$err" 'bad.csv:7: meter 20000001 is on line 2 too'
like "line 8: a meter of an existing account" "$err" 'bad.csv:8: meter 10000001 already belongs to account 10000001'
unlike "the good lines are not named" "$err" 'bad.csv:(2|9):'
like "the last line says nothing was imported" "$(tail -n 1 "$T/err")" '^kwhpos: 8 bad records: nothing was imported'
is "one line per bad record, and the summary" "$(wc -l <"$T/err")" 9

printf 'name,meterno,tariff\n' >"$T/hdr.csv"
admin import customers "$T/hdr.csv" >/dev/null 2>"$T/err"; rc=$?
is "an unknown column exits 2" "$rc" 2
like "naming it" "$(cat "$T/err")" "unknown column 'meterno'"
clerk import customers "$T/good.csv" >/dev/null 2>"$T/err"; rc=$?
is "a seller may not import (exit 4)" "$rc" 4
admin import customers "$T/nope.csv" >/dev/null 2>"$T/err"; rc=$?
is "a missing file exits 3" "$rc" 3
admin import customers >/dev/null 2>"$T/err"; rc=$?
is "no file exits 2" "$rc" 2

# --- the first card of an imported account ---------------------------------------------------
sim new-card c1 >/dev/null
sim insert c1 >/dev/null
clerk reissue --customer 10000002 --consumed >/dev/null 2>"$T/err"; rc=$?
is "补卡 of an account that never had a card exits 3" "$rc" 3
out=$(clerk issue-card --customer 10000002 --kwh 50 --pay wechat); rc=$?
is "issue-card writes the first card (exit 0)" "$rc" 0
like "with the first purchase at the meter's count + 1" "$out" 'purchase_count: 8'
like "sold as an opening" "$out" 'kind: open'
sim eject >/dev/null
sim new-meter 10000002 >/dev/null
out=$(sim meter-insert 10000002 c1)
like "a new meter takes the card: good" "$out" '^meter 10000002: good'
like "and the purchase" "$out" 'remaining +50\.0 kWh'
sim insert c1 >/dev/null
clerk issue-card --customer 10000002 --kwh 5 >/dev/null 2>"$T/err"; rc=$?
is "a second first card is refused (exit 5)" "$rc" 5
like "pointing to 补卡" "$(cat "$T/err")" 'already has a card.*reissue'
out=$(clerk sell --customer 10000002 --kwh 10); rc=$?
is "then the account sells as any other" "$rc" 0
sim eject >/dev/null
like "and the meter loads it" "$(sim meter-insert 10000002 c1)" '^meter 10000002: good'
like "query customers shows its card now" "$(clerk query customers --meter 10000002 --format csv)" ',yes,'
clerk issue-card --customer 10000001 >/dev/null 2>"$T/err"; rc=$?
is "issue-card with no card in the reader exits 6" "$rc" 6

# --- meter numbers are exactly 8 digits, leading zeros as typed ----------------------------------
sim new-card c2 >/dev/null
sim insert c2 >/dev/null
n=$(accounts)
for bad in 1234567 123456789 1234567a 00000000; do
    clerk open --name 八位 --meter "$bad" --tariff 居民生活用电 --kwh 10 >"$T/out" 2>"$T/err"
    rc=$?
    is "open --meter $bad exits 2" "$rc" 2
    like "saying a meter number is exactly 8 digits" "$(cat "$T/err")" "--meter '$bad'.*exactly 8 digits"
done
like "7 digits: says how many there are" "$(clerk open --name 八位 --meter 1234567 \
    --tariff 居民生活用电 2>&1)" "'1234567' has 7 digits.*leading zeros"
is "no account was opened" "$(accounts)" "$n"
clerk show --meter 1234567 >/dev/null 2>"$T/err"; rc=$?
is "show --meter with 7 digits exits 2 too" "$rc" 2
clerk query customers --meter 123456789 >/dev/null 2>"$T/err"; rc=$?
is "and query customers --meter with 9 digits" "$rc" 2
out=$(clerk open --name 八位 --meter 01234567 --tariff 居民生活用电 --kwh 10); rc=$?
is "the card is still blank: open --meter 01234567 writes it (exit 0)" "$rc" 0
like "keeping the leading zero" "$out" 'meter: 01234567'
like "and it is found by its 8 digits" "$(clerk show --meter 01234567)" 'name: 八位'
is "one account more" "$(accounts)" "$((n + 1))"

done_testing
