#!/bin/bash
# kwhpos as a process: --help, --version, init, errors and exit codes.
. "$(dirname "$0")/lib.sh"

out=$("$KWHPOS" --version)
like "--version prints the version" "$out" '^kwhpos [0-9]+\.[0-9]+\.[0-9]+$'
out=$("$KWHPOS" --help)
for cmd in init open sell resell reissue refund-card refund meter-change transfer close edit \
    tool 'card read' 'card wipe' 'audit verify' balance; do
    like "--help lists $cmd" "$out" "^  $cmd  "
done
like "--help documents the exit codes" "$out" 'Exit codes'
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

out=$(echo secret12 | "$KWHPOS" --db "$T/a.db" --user system tariff add --name 学生公寓 --price 0.45)
like "tariff add prints the new id" "$out" '^[0-9]+$'
out=$("$KWHPOS" --db "$T/a.db" tariff list)
like "tariff list shows it with its price" "$out" '学生公寓	0\.4500'
echo secret12 | "$KWHPOS" --db "$T/a.db" --user system tariff add --name x --price 0.12345 \
    >/dev/null 2>"$T/err"; rc=$?
is "a price with 5 decimals is a usage error" "$rc" 2
like "naming the option" "$(cat "$T/err")" '--price.*4 digits'

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
"$KWHPOS" --db "$T/a.db" show --meter 01234567 >/dev/null 2>"$T/err"; rc=$?
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
done_testing
