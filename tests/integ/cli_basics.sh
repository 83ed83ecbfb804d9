#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# kwhpos as a process: --help, --version, init, errors and exit codes.
. "$(dirname "$0")/lib.sh"

out=$("$KWHPOS" --version)
like "--version prints the version" "$out" '^kwhpos [0-9]+\.[0-9]+\.[0-9]+$'
out=$("$KWHPOS" --help)
for cmd in init open sell resell reissue refund-card refund meter-change transfer close edit \
    tool 'card read' 'card wipe' 'audit verify' balance; do
    like "--help lists $cmd" "$out" "^  $cmd  "
done
like "--help documents the exit codes, 9 too" "$out" '  9  not printed'
out=$("$KWHPOS" help sell)
like "help COMMAND shows its usage" "$out" 'usage: kwhpos sell --customer'

"$KWHPOS" --db "$T/a.db" frobnicate >/dev/null 2>"$T/err"; rc=$?
is "an unknown command exits 2" "$rc" 2
like "and says what to do" "$(cat "$T/err")" "unknown command 'frobnicate'.*--help"

"$KWHPOS" --db "$T/a.db" init >/dev/null 2>"$T/err"; rc=$?
is "init without an area code exits 2" "$rc" 2
"$KWHPOS" --db "$T/a.db" init --area 12ab56 >/dev/null 2>"$T/err"; rc=$?
like "init refuses a bad area code" "$(cat "$T/err")" '6 digits'
[ ! -e "$T/a.db" ]; ok "and writes nothing" test $? = 0

out=$("$KWHPOS" --db "$T/a.db" init --area 123456 --unit 测试物业)
like "init creates the site" "$out" "created .*a.db for area code 123456"
"$KWHPOS" --db "$T/a.db" init --area 123456 >/dev/null 2>"$T/err"; rc=$?
is "a second init exits 5 (refused)" "$rc" 5
like "and keeps the site" "$(cat "$T/err")" 'already exists'

out=$("$KWHPOS" --db "$T/a.db" settings show)
like "settings show has the area code" "$out" 'area_code: 123456'
like "and the unit" "$out" 'unit_name: 测试物业'
unlike "and never the site secret" "$out" 'secret'
like "and how the sale screens start (by amount by default)" "$out" 'sale_mode: amount'

echo 1 | "$KWHPOS" --db "$T/a.db" --user system balance >/dev/null 2>"$T/err"; rc=$?
is "system must change the password first (exit 4)" "$rc" 4
like "and is told so" "$(cat "$T/err")" 'must change the password'
echo wrong | "$KWHPOS" --db "$T/a.db" --user system balance >/dev/null 2>"$T/err"; rc=$?
is "a wrong password exits 4" "$rc" 4
printf '1\nsecret12\nsecret12\n' | "$KWHPOS" --db "$T/a.db" --user system operator passwd >/dev/null
out=$(echo secret12 | "$KWHPOS" --db "$T/a.db" --user system balance)
like "after the change the operator works" "$out" 'accounts: 0'
"$KWHPOS" --db "$T/a.db" balance >/dev/null 2>"$T/err"; rc=$?
is "an operator command without --user exits 4" "$rc" 4

# how the sale screens start with each card read: by kWh, then a word that is neither
echo secret12 | "$KWHPOS" --db "$T/a.db" --user system settings set --sale-mode kwh >/dev/null
like "settings set --sale-mode kwh" "$("$KWHPOS" --db "$T/a.db" settings show)" 'sale_mode: kwh'
echo secret12 | "$KWHPOS" --db "$T/a.db" --user system settings set --sale-mode yuan \
    >/dev/null 2>"$T/err"; rc=$?
is "--sale-mode yuan is a usage error" "$rc" 2
like "naming the two words" "$(cat "$T/err")" 'sale-mode: amount or kwh'
echo secret12 | "$KWHPOS" --db "$T/a.db" --user system settings set --sale-mode amount >/dev/null

out=$(echo secret12 | "$KWHPOS" --db "$T/a.db" --user system tariff add --name 学生公寓 --price 0.45)
like "tariff add prints the new id" "$out" '^[0-9]+$'
out=$("$KWHPOS" --db "$T/a.db" tariff list)
like "tariff list shows it with its price" "$out" '学生公寓	0\.4500'
echo secret12 | "$KWHPOS" --db "$T/a.db" --user system tariff add --name x --price 0.12345 \
    >/dev/null 2>"$T/err"; rc=$?
is "a price with 5 decimals is a usage error" "$rc" 2
like "naming the option" "$(cat "$T/err")" '--price.*4 digits'

# 合表: a shared meter's flat tariff; never tiered
as_admin() { echo secret12 | "$KWHPOS" --db "$T/a.db" --user system "$@"; }
as_admin tariff add --name 合表用电 --price 0.5683 --kind shared >/dev/null
like "tariff list marks the 合表 tariff shared" "$("$KWHPOS" --db "$T/a.db" tariff list)" \
    '合表用电	0\.5683	0	shared'
versions=$(sqlite3 "$T/a.db" "SELECT count(*) FROM tariff_prices")
as_admin tariff set --tariff 合表用电 --tiers 100:0.5,0.6 >/dev/null 2>"$T/err"; rc=$?
is "tiers on a 合表 tariff are a usage error" "$rc" 2
like "saying it is flat" "$(cat "$T/err")" '合表.*flat'
as_admin tariff add --name 合表2 --kind shared --tiers 100:0.5,0.6 >/dev/null 2>"$T/err"; rc=$?
is "a tiered 合表 tariff is a usage error" "$rc" 2
as_admin tariff add --name 合表3 --price 0.5 --kind both >/dev/null 2>"$T/err"; rc=$?
is "--kind both is a usage error" "$rc" 2
like "naming the kinds" "$(cat "$T/err")" 'standard or shared'
as_admin tariff add --name 阶梯x --tiers 100:0.5,0.6 >/dev/null
as_admin tariff set --tariff 阶梯x --kind shared >/dev/null 2>"$T/err"; rc=$?
is "a tiered tariff made 合表 is refused (exit 2)" "$rc" 2
like "give it one price first" "$(cat "$T/err")" 'one price first'
as_admin tariff set --tariff 阶梯x --kind shared --price 0.55 >/dev/null
like "with one price it becomes 合表" "$("$KWHPOS" --db "$T/a.db" tariff list)" '阶梯x	0\.5500	0	shared'
out=$("$KWHPOS" --db "$T/a.db" tariff history --tariff 阶梯x)
like "tariff history: the flat price now" "$(sed -n 1p <<<"$out")" '^[0-9-]+ [0-9:]+	0\.5500	flat$'
like "and the tiers before it" "$(sed -n 2p <<<"$out")" '	0\.5000	annual/1 100\.00:0\.5000,0\.6000$'
as_admin tariff set --tariff 合表用电 --kind standard >/dev/null
like "and back to standard" "$("$KWHPOS" --db "$T/a.db" tariff list | grep 合表用电)" '^[0-9]+	合表用电	0\.5683	0$'
is "nothing priced by the refusals" "$(sqlite3 "$T/a.db" "SELECT count(*) FROM tariff_prices")" \
    "$((versions + 2))"

# a price change dated tomorrow waits (待生效); a day already past is refused; today is now
tomorrow=$(date -d tomorrow +%F)
as_admin tariff set --tariff 合表用电 --price 0.61 --from "$tomorrow" >/dev/null
like "a scheduled price leaves the one in force" \
    "$("$KWHPOS" --db "$T/a.db" tariff list | grep 合表用电)" \
    "^[0-9]+	合表用电	0\.5683	0	scheduled $tomorrow 0\.6100\$"
like "tariff history lists it first, scheduled" \
    "$("$KWHPOS" --db "$T/a.db" tariff history --tariff 合表用电 | sed -n 1p)" \
    "^$tomorrow 00:00:00	0\.6100	flat	scheduled\$"
versions=$(sqlite3 "$T/a.db" "SELECT count(*) FROM tariff_prices")
as_admin tariff set --tariff 合表用电 --price 0.7 --from "$(date -d yesterday +%F)" \
    >/dev/null 2>"$T/err"; rc=$?
is "a price dated yesterday is a usage error" "$rc" 2
like "saying history is not rewritten" "$(cat "$T/err")" 'that day is past.*not rewritten'
as_admin tariff set --tariff 合表用电 --from "$tomorrow" >/dev/null 2>"$T/err"; rc=$?
is "--from without a price is a usage error" "$rc" 2
is "nothing priced by them" "$(sqlite3 "$T/a.db" "SELECT count(*) FROM tariff_prices")" \
    "$versions"
as_admin tariff set --tariff 合表用电 --price 0.57 --from "$(date +%F)" >/dev/null
like "dated today it is in force now, the scheduled one still waits" \
    "$("$KWHPOS" --db "$T/a.db" tariff list | grep 合表用电)" \
    "^[0-9]+	合表用电	0\.5700	0	scheduled $tomorrow 0\.6100\$"

audits=$(sqlite3 "$T/a.db" "SELECT count(*) FROM audit")
for meter in 1234567 123456789 12ab5678 ''; do
    echo secret12 | "$KWHPOS" --db "$T/a.db" --user system open --name 张三 --meter "$meter" \
        --tariff 学生公寓 --kwh 10 >/dev/null 2>"$T/err"; rc=$?
    is "open --meter '$meter' is a usage error (exit 2)" "$rc" 2
    like "saying a meter number is exactly 8 digits" "$(cat "$T/err")" 'exactly 8 digits'
done
like "7 digits: says there are 7 and what to type" "$(echo secret12 |
    "$KWHPOS" --db "$T/a.db" --user system open --name 张三 --meter 1234567 --tariff 学生公寓 \
    2>&1)" "--meter '1234567' has 7 digits; .*leading zeros \(e\.g\. 01234567\)"
like "letters: digits only" "$(echo secret12 | "$KWHPOS" --db "$T/a.db" --user system open \
    --name 张三 --meter 12ab5678 --tariff 学生公寓 2>&1)" "--meter '12ab5678': digits only"
is "nothing was audited (not even a login)" \
    "$(sqlite3 "$T/a.db" "SELECT count(*) FROM audit")" "$audits"
out=$(echo secret12 | "$KWHPOS" --db "$T/a.db" --user system balance)
like "nothing was opened" "$out" 'accounts: 0'
"$KWHPOS" --db "$T/a.db" show --meter 01234567 </dev/null >/dev/null 2>"$T/err"; rc=$?
is "show acts for an operator: without --user it is refused (exit 4)" "$rc" 4
like "asking for --user" "$(cat "$T/err")" 'give --user NAME'
echo secret12 | "$KWHPOS" --db "$T/a.db" --user system show --meter 01234567 >/dev/null \
    2>"$T/err"; rc=$?
is "show --meter 01234567 (8 digits with a leading zero) is not a usage error" "$rc" 3
like "it looks the meter up" "$(cat "$T/err")" '01234567'

out=$("$KWHPOS" --db "$T/a.db" audit verify)
like "audit verify reports an intact chain" "$out" 'intact: [0-9]+ records'
sqlite3 "$T/a.db" "UPDATE audit SET after = 'x' WHERE id = 2"
"$KWHPOS" --db "$T/a.db" audit verify >"$T/out"; rc=$?
is "a hand-edited audit row fails the check" "$rc" 1
like "and names the first broken record" "$(cat "$T/out")" 'BROKEN at record 2'

"$KWHPOS" --db "$T/none.db" settings show >/dev/null 2>"$T/err"; rc=$?
is "a missing database exits 3" "$rc" 3
like "and says how to make one" "$(cat "$T/err")" 'kwhpos init'
printf '[ui]\ncolour = purple\n' >"$T/bad.ini"
"$KWHPOS" -c "$T/bad.ini" --db "$T/a.db" settings show >/dev/null 2>"$T/err"; rc=$?
is "a bad INI value exits 2" "$rc" 2
like "naming the key and what is allowed" "$(cat "$T/err")" 'colour.*auto, on or off'

# every command refuses words it does not take, naming the word (exit 2, nothing done)
refuse_args() { # name code pattern args...
    local name=$1 code=$2 pat=$3; shift 3
    "$KWHPOS" --db "$T/a.db" "$@" </dev/null >"$T/out" 2>"$T/err"; rc=$?
    is "$name exits $code" "$rc" "$code"
    like "$name: names the bad word" "$(cat "$T/err")" "$pat"
    is "$name: prints nothing" "$(cat "$T/out")" ""
    is "$name: one line on stderr" "$(wc -l <"$T/err")" 1
}
refuse_args "report daily -from" 2 "report daily: unknown option -from .*--from" \
    report daily -from 2026-01-01 -to 2026-01-31
refuse_args "balance extra" 2 "balance: unexpected argument 'extra'" balance extra
refuse_args "audit verify extra" 2 "audit verify: unexpected argument 'extra'" audit verify extra
refuse_args "query sales extra junk" 2 "query sales: unexpected argument 'extra'" \
    query sales extra junk
refuse_args "settings show x" 2 "unexpected argument 'x'" settings show x
refuse_args "check --bogus" 2 "check: unknown option --bogus" check --bogus
refuse_args "restore A B" 2 "restore: too many arguments: 'B'" restore A B
refuse_args "print 1 2" 2 "print: too many arguments: '2'" print 1 2
refuse_args "tool clear x" 2 "tool: too many arguments: 'x'" tool clear x
refuse_args "form check a b" 2 "form check: too many arguments: 'b'" form check a b
refuse_args "an option without its value" 2 "report daily: --from needs a value" \
    report daily --from

# a group without (or with a wrong) subcommand lists its subcommands
refuse_args "report alone" 2 "report needs a subcommand: daily, monthly, period, shift" report
refuse_args "report weekly" 2 \
    "report: no subcommand 'weekly'; it is one of daily, monthly, period, shift" report weekly
refuse_args "query alone" 2 "query needs a subcommand: customers, sales, transfers" query
refuse_args "import alone" 2 "import needs a subcommand: customers" import
refuse_args "import sales x" 2 "import: no subcommand 'sales'; it is one of customers" \
    import sales x
refuse_args "export alone" 2 "export needs a subcommand: customers, sales" export
out=$("$KWHPOS" help card); rc=$?
is "help card exits 0" "$rc" 0
like "help card lists card read" "$out" 'kwhpos card read'
like "and card wipe" "$out" 'kwhpos card wipe'
out=$("$KWHPOS" --help | head -1)
like "the usage line has --user and --password-fd" "$out" '\[--user NAME\] \[--password-fd N\]'

# values that used to be taken silently (system's password is secret12)
refuse_pw() { # name code pattern args...
    local name=$1 code=$2 pat=$3; shift 3
    echo secret12 | "$KWHPOS" --db "$T/a.db" --user system "$@" >"$T/out" 2>"$T/err"; rc=$?
    is "$name exits $code" "$rc" "$code"
    like "$name: says why" "$(cat "$T/err")" "$pat"
    is "$name: prints nothing" "$(cat "$T/out")" ""
}
refuse_pw "an empty --from" 2 "--from is empty: give a date YYYY-MM-DD" report daily --from ''
refuse_pw "an empty --to" 2 "--to is empty" query sales --to ''
refuse_pw "report shift --shift 0" 3 "report shift: no shift #0" report shift --shift 0
refuse_pw "import customers DIR" 2 "import customers: $T is a directory" import customers "$T"
refuse_pw "report monthly with a day" 2 "report monthly: --from '2026-02-15': give a month YYYY-MM" \
    report monthly --from 2026-02-15
refuse_pw "--encoding on text output" 2 "--encoding is for --format csv" \
    report daily --encoding gb18030
refuse_pw "--encoding on json output" 2 "--encoding is for --format csv" \
    query sales --format json --encoding gb18030
out=$(echo secret12 | "$KWHPOS" --db "$T/a.db" --user system report period --from 2020-01-01 \
    --to 2020-01-02)
like "an empty period's report labels the kind table" "$out" $'by kind:\nby  count'
like "and the payment table" "$out" $'by payment method:\nby  count'

# a file that is not a kwhpos database is refused before anything is written to it
sqlite3 "$T/other.db" "CREATE TABLE t(x); INSERT INTO t VALUES (1);" && chmod 600 "$T/other.db" # private, as a database is
cp "$T/other.db" "$T/other.orig"
"$KWHPOS" --db "$T/other.db" check >/dev/null 2>"$T/err"; rc=$?
is "another program's SQLite file exits 2" "$rc" 2
like "as not a kwhpos database" "$(cat "$T/err")" 'other.db is not a kwhpos database'
cmp -s "$T/other.db" "$T/other.orig"; ok "and is byte-identical afterwards" test $? = 0
is "its journal mode is still delete" "$(sqlite3 "$T/other.db" 'PRAGMA journal_mode')" delete
[ ! -e "$T/other.db-wal" ]; ok "no -wal beside it" test $? = 0
sqlite3 "$T/newer.db" "CREATE TABLE t(x); PRAGMA user_version = 99;" && chmod 600 "$T/newer.db"
cp "$T/newer.db" "$T/newer.orig"
"$KWHPOS" --db "$T/newer.db" settings show >/dev/null 2>"$T/err"; rc=$?
is "a newer schema exits 2" "$rc" 2
like "upgrade kwhpos first" "$(cat "$T/err")" 'schema version 99.*upgrade kwhpos first'
cmp -s "$T/newer.db" "$T/newer.orig"; ok "and is untouched" test $? = 0
mkdir "$T/dir.db"
"$KWHPOS" --db "$T/dir.db" check >/dev/null 2>"$T/err"; rc=$?
is "a directory as --db exits 2" "$rc" 2
like "saying it is a directory" "$(cat "$T/err")" 'dir.db is a directory'
: >"$T/empty.db"
"$KWHPOS" --db "$T/empty.db" check >/dev/null 2>"$T/err"; rc=$?
is "an empty file exits 2" "$rc" 2
like "saying how to make a site" "$(cat "$T/err")" 'is empty: create a site with `kwhpos init`'
is "and stays empty" "$(stat -c %s "$T/empty.db")" 0
done_testing
