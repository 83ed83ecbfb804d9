#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# kwhpos backup, restore and check as processes: backups taken while another terminal
# keeps selling are consistent (exactly the sales committed before some moment), a
# restore brings one back and keeps the database it replaced, and every restore the
# manual's 数据恢复 must not do is refused with nothing changed.
. "$(dirname "$0")/lib.sh"
export TZ=Asia/Shanghai

DB=$T/site.db
ADMIN=admin-pass-1
CLERK=clerk-pass-1
k() { "$KWHPOS" --db "$DB" "$@"; }
as_admin() { echo "$ADMIN" | "$KWHPOS" --db "$DB" --user system "$@"; }
ALL=(--from 2000-01-01 --to 2100-01-01 --limit 10000)
# invoice and amount in fen of every sale in a database, one per line, in invoice order
sales_of() {
    cp "$1" "$T/peek.db"
    echo "$ADMIN" | "$KWHPOS" --db "$T/peek.db" --user system query sales "${ALL[@]}" \
        --format csv | awk -F, 'NR > 1 && $1 != "total" { a = $11; sub(/\./, "", a);
        print $2, a + 0 }' | sort -n
    rm -f "$T/peek.db" "$T/peek.db-wal" "$T/peek.db-shm"
}

k init --area 123456 --unit 测试物业 >/dev/null
printf '1\n%s\n%s\n' "$ADMIN" "$ADMIN" | k --user system operator passwd >/dev/null
printf '%s\nclerk-first-1\nclerk-first-1\n' "$ADMIN" |
    k --user system operator add --name clerk --role seller >/dev/null
printf 'clerk-first-1\n%s\n%s\n' "$CLERK" "$CLERK" | k --user clerk operator passwd >/dev/null

# --- backups while a terminal sells ---------------------------------------------------
# the terminal sells until told to stop, so every backup below is taken while it sells
echo "$CLERK" | "$TOOLS/sellloop" --db "$DB" --user clerk --first-meter 20000001 \
    --count 100000 --log "$T/sold.log" --stop "$T/stop" >"$T/loop.out" 2>&1 &
LOOP=$!
on_exit "touch $T/stop; kill $LOOP 2>/dev/null; wait $LOOP 2>/dev/null"
ok "the selling terminal gets going" wait_for 30 test -s "$T/sold.log"
backups=()
for i in 1 2 3; do
    out=$(k backup --dir "$T/bk" --keep 10 2>&1); rc=$?
    is "backup $i while sales go on exits 0" "$rc" 0
    like "backup $i says it was checked" "$out" 'integrity checked'
    backups+=("$(printf '%s' "$out" | sed -n 's/^backup \(.*\): [0-9]* bytes.*/\1/p')")
done
as_admin restore "${backups[0]}" --dir "$T/bk" >/dev/null 2>"$T/err"; rc=$?
is "restore while another terminal has the database open exits 5" "$rc" 5
like "saying to close the other terminals" "$(cat "$T/err")" 'open in another terminal.*close'
k backup --dir "$T/bk" --keep 10 >/dev/null
touch "$T/stop"
wait $LOOP; rc=$?
is "the selling terminal stops cleanly" "$rc" 0
sold=$(sed -n 's/^sold \([0-9]*\) fen [0-9]*$/\1/p' "$T/loop.out")
ok "having sold something" test "${sold:-0}" -gt 0
sales_of "$DB" >"$T/live.txt"
is "the database has every sale the terminal committed" "$(wc -l <"$T/live.txt")" "$sold"
sort -n "$T/sold.log" >"$T/sold.sorted"
ok "with the invoice and amount it reported" cmp -s "$T/live.txt" "$T/sold.sorted"

for b in "${backups[@]}"; do
    ok "backup $(basename "$b") exists" test -s "$b"
    sales_of "$b" >"$T/b.txt"
    n=$(wc -l <"$T/b.txt")
    head -n "$n" "$T/sold.sorted" >"$T/prefix.txt"
    ok "backup $(basename "$b") holds exactly the first $n sales, none missing" \
        cmp -s "$T/b.txt" "$T/prefix.txt"
    ok "and sales went on after it" test "$n" -lt "$sold"
done
out=$(sqlite3 "${backups[0]}" 'PRAGMA journal_mode; PRAGMA integrity_check')
is "a backup is a self-contained file that passes integrity_check" "$out" "$(printf 'delete\nok')"

# --- restore -------------------------------------------------------------------------------
first=${backups[0]}
sales_of "$first" >"$T/first.txt"
out=$(as_admin restore "$first" --dir "$T/bk" 2>&1); rc=$?
is "restore exits 0" "$rc" 0
like "restore names the copy of the database it replaced" "$out" 'kept in .*/bk/kwhpos-[0-9]{8}-[0-9]{6}-prerestore\.db'
pre=$(printf '%s' "$out" | sed -n 's/^the database as it was is kept in //p')
sales_of "$DB" >"$T/restored.txt"
ok "the restored database holds exactly the backup's sales" cmp -s "$T/restored.txt" "$T/first.txt"
sales_of "$pre" >"$T/pre.txt"
ok "the copy kept before the restore holds every sale" cmp -s "$T/pre.txt" "$T/sold.sorted"
ok "no WAL of the old database is left to spoil the new one" test ! -s "$DB-wal"
out=$(k audit verify)
like "the restored audit chain is intact" "$out" 'intact'
like "and records the restore" "$(sqlite3 "$DB" "SELECT op, operator FROM audit ORDER BY id DESC LIMIT 1")" '^restore\|system$'
# a sale the backup caught half-way (recorded, its card not yet settled) stays pending:
# its card is in the other terminal's reader, so check lists it until it is read
out=$(k check 2>"$T/err"); rc=$?
pending=$(printf '%s' "$out" | sed -n 's/^pending card writes: //p')
if [ "$pending" = 0 ]; then
    is "check after the restore exits 0" "$rc" 0
    is "and lists no pending write" "$(printf '%s\n' "$out" | grep -c '^  op ')" 0
else
    is "check after the restore exits 8 for the pending write it lists" "$rc" 8
    like "and lists it" "$out" '  op [0-9]+ .* open '
fi

# --- every refusal -------------------------------------------------------------------------
before=$(sales_of "$DB" | md5sum)
refuse() { # name exit-code message-regex file [as]
    local name=$1 code=$2 re=$3 file=$4 pw=${5:-$ADMIN} user=${6:-system}
    echo "$pw" | "$KWHPOS" --db "$DB" --user "$user" restore "$file" --dir "$T/bk" \
        >/dev/null 2>"$T/err"; rc=$?
    is "restore refuses $name (exit $code)" "$rc" "$code"
    like "restore of $name says why" "$(cat "$T/err")" "$re"
    is "restore of $name writes one line on stderr" "$(wc -l <"$T/err")" 1
}
printf 'name,meter\n张三,1\n' >"$T/text.db"
refuse "a text file" 2 'not a kwhpos database' "$T/text.db"
sqlite3 "$T/other-app.db" 'CREATE TABLE notes (t TEXT); INSERT INTO notes VALUES (1);'
refuse "another program's SQLite file" 2 'not a kwhpos database' "$T/other-app.db"
cp "$first" "$T/newer.db"
sqlite3 "$T/newer.db" 'PRAGMA user_version = 99'
refuse "a newer schema" 2 'schema version 99, newer.*upgrade' "$T/newer.db"
cp "$first" "$T/damaged.db"
head -c 3000 /dev/urandom | dd of="$T/damaged.db" bs=1 seek=$((4 * 4096 + 8)) conv=notrunc 2>/dev/null
refuse "a damaged file" 2 'damaged \(integrity_check' "$T/damaged.db"
"$KWHPOS" --db "$T/other-site.db" init --area 271828 >/dev/null
refuse "another site's database" 5 'belongs to another site' "$T/other-site.db"
unlike "without showing any site secret" "$(cat "$T/err")" '[0-9a-f]{32}'
refuse "a missing file" 3 'cannot read' "$T/nope.db"
printf '%s\nclerk-first-1\nclerk-first-1\n' "$ADMIN" |
    k --user system operator add --name clerk2 --role seller >/dev/null
printf 'clerk-first-1\n%s\n%s\n' "$CLERK" "$CLERK" | k --user clerk2 operator passwd >/dev/null
refuse "a seller" 4 'administrator' "$first" "$CLERK" clerk2
echo "$ADMIN" | k --user system restore >/dev/null 2>"$T/err"; rc=$?
is "restore without a file exits 2" "$rc" 2
is "nothing changed through all the refusals" "$(sales_of "$DB" | md5sum)" "$before"
ok "and no private copy was left behind" test -z "$(ls -A "$T" | grep kwhpos-restore)"

# --- a damaged database: check says so, then restore onto its place ---------------------
sqlite3 "$DB" 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
head -c 3000 /dev/urandom | dd of="$DB" bs=1 seek=$((4 * 4096 + 8)) conv=notrunc 2>/dev/null
k check >"$T/out" 2>"$T/err"; rc=$?
is "check of a damaged database exits 7" "$rc" 7
like "check reports the failed integrity check" "$(cat "$T/out")" 'integrity: FAILED'
like "and says to restore" "$(cat "$T/err")" 'restore'
# damaged past opening: the header itself
printf 'this is not a database any more' | dd of="$DB" bs=1 conv=notrunc 2>/dev/null
as_admin restore "$first" >/dev/null 2>"$T/err"; rc=$?
is "restore over a database that no longer opens exits 7" "$rc" 7
like "saying to move it away first" "$(cat "$T/err")" 'move it and its -wal and -shm files away'
mkdir "$T/damaged"
mv "$DB" "$DB-wal" "$DB-shm" "$T/damaged/" 2>/dev/null
out=$(k restore "$first" 2>&1); rc=$?
is "restore onto the place of a moved-away database needs no login (exit 0)" "$rc" 0
sales_of "$DB" >"$T/restored.txt"
ok "and holds the backup's sales" cmp -s "$T/restored.txt" "$T/first.txt"
k restore "$first" >/dev/null 2>"$T/err"; rc=$?
is "without a login, restore onto an existing database is refused (exit 4)" "$rc" 4

# --- check: the summary, pending writes ----------------------------------------------------
sqlite3 "$DB" 'UPDATE sales_sum SET amount_fen = amount_fen + 1 WHERE rowid IN (SELECT rowid FROM sales_sum LIMIT 1)' 2>/dev/null ||
    sqlite3 "$DB" 'UPDATE sales_sum SET amount_fen = amount_fen + 1 WHERE hour = (SELECT min(hour) FROM sales_sum)'
k check >"$T/out" 2>"$T/err"; rc=$?
is "check finds a report summary that disagrees with the sales (exit 1)" "$rc" 1
like "and says so" "$(cat "$T/out")" 'report summary: DISAGREES'

# --- rotation and automatic backups -----------------------------------------------------------
cat >"$T/k.ini" <<EOF
[database]
path = $T/rot.db
[backup]
dir = $T/rot
keep = 2
interval_hours = 24
EOF
"$KWHPOS" --db "$T/rot.db" init --area 123456 >/dev/null
kc() { "$KWHPOS" -c "$T/k.ini" "$@"; }
for i in 1 2 3; do kc backup >/dev/null; done
is "keep = 2 in the INI keeps the newest two" "$(ls "$T/rot" | grep -c '^kwhpos-.*\.db$')" 2
out=$(kc backup --if-due); rc=$?
is "backup --if-due with a fresh backup exits 0" "$rc" 0
is "and prints nothing (cron mails nobody)" "$out" ""
is "and writes none" "$(ls "$T/rot" | grep -c '^kwhpos-.*\.db$')" 2
rm -f "$T/rot"/kwhpos-*
out=$(kc backup --if-due)
like "backup --if-due with no backup makes one" "$out" "^backup $T/rot/kwhpos-"
kc backup --keep -1 >/dev/null 2>"$T/err"; rc=$?
is "a bad --keep exits 2" "$rc" 2
"$KWHPOS" --db "$T/none.db" backup >/dev/null 2>"$T/err"; rc=$?
is "backup of a missing database exits 3" "$rc" 3
like "saying where it looked" "$(cat "$T/err")" 'no database at .*none\.db'

done_testing
