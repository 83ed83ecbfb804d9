#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# kwh-backends: pg
# Moving a site: `kwhpos db copy --to URL` copies a whole SQLite site into an empty
# PostgreSQL database and verifies it (counts and sums per table, the audit chain, the
# site key); a card written before the move sells after it; and the copy goes back into
# a new SQLite file the same way. A target that is not empty is refused.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/loop_lib.sh"

A=10000001 B=10000002 M1=12345678 M2=22223333
BACKEND=sqlite # the site starts on SQLite; PostgreSQL databases are made by hand below
start_sim
ok "a site on SQLite" new_site "$INI" "$DB" 123456
sim new-meter $M1 >/dev/null
sim new-meter $M2 >/dev/null
sim new-card c1 >/dev/null
sim new-card c2 >/dev/null
sim insert c1 >/dev/null
run kp open --name 张三 --meter $M1 --tariff 居民生活用电 --kwh 100 --pay cash
is "an account" "$RC" 0
sim eject >/dev/null
mi $M1 c1 >/dev/null
sim insert c1 >/dev/null
run kp sell --customer $A --amount 50 --pay wechat
is "a sale" "$RC" 0
sim eject >/dev/null
sim insert c2 >/dev/null
run kp open --name 李四 --meter $M2 --tariff 一般工商业用电 --kwh 20 --pay cash
is "another account" "$RC" 0
sim eject >/dev/null
mi $M2 c2 >/dev/null
mi $M1 c1 >/dev/null
run kp shift close --counted 0
run kp audit verify
like "the SQLite site's audit chain" "$OUT" '^audit chain intact'
books() { "$KWHPOS" -c "$1" check | head -n 3; }

# --- to PostgreSQL -------------------------------------------------------------------------------
BACKEND=pg
pg_create "$T/moved.db"
URL=$(db_target "$T/moved.db")
run kp db copy --to "$URL"
is "db copy to PostgreSQL exits 0" "$RC" 0
like "it names each table it copied" "$OUT" 'copied sales: 3 rows'
like "and what it verified" "$OUT" 'verified: counts and sums per table, the site key, the audit chain \([0-9]+ records\)'
{ db_ini "$T/moved.db" && printf '[reader]\nport = %s\n' "$D/reader"; } >"$T/pg.ini"
is "the same books on both" "$(books "$T/pg.ini")" "$(books "$INI")"
is "the same sales" "$(DB=$T/moved.db q "SELECT COUNT(*) || ' ' || SUM(amount_fen) FROM sales WHERE state = 1")" \
    "$(BACKEND=sqlite q "SELECT COUNT(*) || ' ' || SUM(amount_fen) FROM sales WHERE state = 1")"
run kp db copy --to "$URL"
is "a copy into a database that is not empty is refused (exit 5)" "$RC" 5
like "saying so" "$OUT" 'not empty'
sim insert c1 >/dev/null
run env KINI="$T/pg.ini" bash -c 'printf "%s\n" "$0" | "$1" -c "$2" --user system sell --customer "$3" --amount 10' \
    "$PW" "$KWHPOS" "$T/pg.ini" $A
is "the card written before the move sells on PostgreSQL" "$RC" 0
sim eject >/dev/null
like "and the meter takes it" "$(mi $M1 c1)" good
is "the sale is on PostgreSQL" "$(DB=$T/moved.db q "SELECT COUNT(*) FROM sales WHERE state = 1 AND kind = 2")" 2
is "and the original is untouched" "$(BACKEND=sqlite q "SELECT COUNT(*) FROM sales WHERE state = 1 AND kind = 2")" 1
like "the moved site's audit chain" "$("$KWHPOS" -c "$T/pg.ini" audit verify)" '^audit chain intact'

# --- and back to SQLite ----------------------------------------------------------------------------
run env bash -c 'printf "%s\n" "$0" | "$1" -c "$2" --user system db copy --to "$3"' \
    "$PW" "$KWHPOS" "$T/pg.ini" "$T/back.db"
is "db copy back to a new SQLite file exits 0" "$RC" 0
{ printf '[database]\npath = %s\n[reader]\nport = %s\n' "$T/back.db" "$D/reader"; } >"$T/back.ini"
is "the same books" "$(books "$T/back.ini")" "$(books "$T/pg.ini")"
sim insert c1 >/dev/null
run env bash -c 'printf "%s\n" "$0" | "$1" -c "$2" --user system sell --customer "$3" --amount 1' \
    "$PW" "$KWHPOS" "$T/back.ini" $A
is "the card sells on the SQLite copy too" "$RC" 0
run env bash -c 'printf "%s\n" "$0" | "$1" -c "$2" --user system db copy --to "$3"' \
    "$PW" "$KWHPOS" "$T/pg.ini" "$T/back.db"
is "a copy onto an existing file is refused (exit 5)" "$RC" 5
done_testing
