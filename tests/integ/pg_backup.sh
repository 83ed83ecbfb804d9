#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# kwh-backends: pg
# kwhpos backup, restore and check on PostgreSQL (pg_dump -Fc, pg_restore): backups taken
# while a station keeps selling hold exactly the sales committed before some moment; a
# restore is refused while another station is connected, brings the backup back once
# they are gone and keeps the database it replaced; a backup restores into an empty
# database; another site's backup is refused; check finds a summary that disagrees.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/loop_lib.sh"
export TZ=Asia/Shanghai

ADMIN=admin-pass-1
CLERK=clerk-pass-1
SITE=$(db_target "$T/site.db")
k() { "$KWHPOS" --db "$1" "${@:2}"; }
as_admin() { echo "$ADMIN" | "$KWHPOS" --db "$1" --user system "${@:2}"; }
ALL=(--from 2000-01-01 --to 2100-01-01 --limit 10000)
# invoice and amount in fen of every sale in a database, one per line, in invoice order
sales_of() {
    echo "$ADMIN" | "$KWHPOS" --db "$1" --user system query sales "${ALL[@]}" --format csv |
        awk -F, 'NR > 1 && $1 != "total" { a = $11; sub(/\./, "", a); print $2, a + 0 }' | sort -n
}
# an empty database for the site file PATH
empty() { pg_create "$1" && db_target "$1"; }

empty "$T/site.db" >/dev/null
k "$SITE" init --area 123456 --unit 测试物业 >/dev/null
printf '1\n%s\n%s\n' "$ADMIN" "$ADMIN" | k "$SITE" --user system operator passwd >/dev/null
printf '%s\nclerk-first-1\nclerk-first-1\n' "$ADMIN" |
    k "$SITE" --user system operator add --name clerk --role seller >/dev/null
printf 'clerk-first-1\n%s\n%s\n' "$CLERK" "$CLERK" | k "$SITE" --user clerk operator passwd >/dev/null

# --- backups while a station sells ---------------------------------------------------
echo "$CLERK" | "$TOOLS/sellloop" --db "$SITE" --user clerk --first-meter 20000001 \
    --count 100000 --log "$T/sold.log" --stop "$T/stop" >"$T/loop.out" 2>&1 &
LOOP=$!
on_exit "touch $T/stop; kill $LOOP 2>/dev/null; wait $LOOP 2>/dev/null"
ok "the selling station gets going" wait_for 30 test -s "$T/sold.log"
backups=()
for i in 1 2; do
    out=$(k "$SITE" backup --dir "$T/bk" --keep 10 2>&1)
    rc=$?
    is "backup $i while sales go on exits 0" "$rc" 0
    like "backup $i says it was checked" "$out" 'integrity checked'
    backups+=("$(printf '%s' "$out" | sed -n 's/^backup \(.*\): [0-9]* bytes.*/\1/p')")
    sleep 0.3
done
as_admin "$SITE" restore "${backups[0]}" --dir "$T/bk" >/dev/null 2>"$T/err"
is "restore while another station is connected exits 5" "$?" 5
like "saying to close kwhpos at every station" "$(cat "$T/err")" 'open at another station.*close kwhpos at every station'
touch "$T/stop"
wait $LOOP
is "the selling station stops cleanly" "$?" 0
sold=$(sed -n 's/^sold \([0-9]*\) fen [0-9]*$/\1/p' "$T/loop.out")
ok "having sold something" test "${sold:-0}" -gt 0
sort -n "$T/sold.log" >"$T/sold.sorted"
sales_of "$SITE" >"$T/live.txt"
ok "the database has every sale the station committed" cmp -s "$T/live.txt" "$T/sold.sorted"
is "a backup is a pg_dump archive" "$(head -c 5 "${backups[0]}")" PGDMP
ok "that pg_restore lists" pg_restore --list "${backups[0]}"

# --- a backup into an empty database ---------------------------------------------------------
for i in 0 1; do
    b=${backups[$i]}
    NEW=$(empty "$T/new$i.db")
    out=$(k "$NEW" restore "$b" 2>&1)
    is "backup $i restores into an empty database (exit 0)" "$?" 0
    like "naming its accounts" "$out" 'restored .* accounts'
    sales_of "$NEW" >"$T/b.txt"
    n=$(wc -l <"$T/b.txt")
    head -n "$n" "$T/sold.sorted" >"$T/prefix.txt"
    ok "backup $i holds exactly the first $n sales, none missing" cmp -s "$T/b.txt" "$T/prefix.txt"
    ok "and sales went on after it" test "$n" -lt "$sold"
done
out=$(k "$NEW" restore "${backups[0]}" 2>&1)
is "a restore onto a site's database needs an administrator's login (exit 4)" "$?" 4

# --- restore over the site ----------------------------------------------------------------------
first=${backups[0]}
sales_of "$NEW" >/dev/null
sales_of "$(db_target "$T/new0.db")" >"$T/first.txt"
out=$(as_admin "$SITE" restore "$first" --dir "$T/bk" 2>&1)
is "restore exits 0" "$?" 0
like "restore names the copy of the database it replaced" "$out" 'kept in .*/bk/kwhpos-[0-9]{8}-[0-9]{6}-prerestore\.db'
pre=$(printf '%s' "$out" | sed -n 's/^the database as it was is kept in //p')
sales_of "$SITE" >"$T/restored.txt"
ok "the restored database holds exactly the backup's sales" cmp -s "$T/restored.txt" "$T/first.txt"
PRE=$(empty "$T/pre.db")
k "$PRE" restore "$pre" >/dev/null 2>&1
sales_of "$PRE" >"$T/pre.txt"
ok "the copy kept before the restore holds every sale" cmp -s "$T/pre.txt" "$T/sold.sorted"
like "the restored audit chain is intact" "$(k "$SITE" audit verify)" 'intact'
is "and records the restore" "$(DB=$T/site.db q "SELECT COUNT(*) FROM audit WHERE op = 'restore' AND operator = 'system'")" 1

# --- another site's backup --------------------------------------------------------------------
OTHER=$(empty "$T/other.db")
k "$OTHER" init --area 123456 >/dev/null
k "$OTHER" backup --dir "$T/obk" >/dev/null
as_admin "$SITE" restore "$(ls "$T"/obk/kwhpos-*.db | head -n 1)" --dir "$T/bk" >/dev/null 2>"$T/err"
is "another site's backup is refused (exit 5)" "$?" 5
like "saying it belongs to another site" "$(cat "$T/err")" 'belongs to another site'
printf 'name,meter\n张三,1\n' >"$T/text.db"
as_admin "$SITE" restore "$T/text.db" --dir "$T/bk" >/dev/null 2>"$T/err"
is "a text file is refused (exit 2)" "$?" 2
cmp -s <(sales_of "$SITE") "$T/first.txt"
ok "nothing changed by the refusals" test $? = 0

# --- check ------------------------------------------------------------------------------------------
out=$(k "$SITE" check 2>&1)
rc=$?
ok "check on PostgreSQL: integrity, audit chain, summary (exit 0 or 8 for pending)" test $rc = 0 -o $rc = 8
like "reads every table through" "$out" 'integrity: ok'
DB=$T/site.db q "UPDATE sales_sum SET amount_fen = amount_fen + 1" >/dev/null
out=$(k "$SITE" check 2>&1)
is "a summary that disagrees with the sales: check exits 1" "$?" 1
like "and says so" "$out" 'report summary: DISAGREES with the sales'
done_testing
