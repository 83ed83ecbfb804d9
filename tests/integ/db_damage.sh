#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Selling on a damaged database (docs/security.md): copies of a site's database, each with
# one byte overwritten at a random place (a fixed seed), are used twice — `kwhpos check`
# on one, a sale through the simulated reader on the other. No sale may write the card
# where the check calls the database damaged: the structural check every card-writing
# command starts refuses it, saying to restore. DAMAGE_COPIES copies (default 40),
# DAMAGE_SEED the seed. Then the refusal itself: kept for every terminal, lifted by a
# restore or a passing check.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cli_lib.sh"

copies=${DAMAGE_COPIES:-40}
seed=${DAMAGE_SEED:-16}
M=20240001
cli_site
sim new-card c1 >/dev/null
sim new-meter $M >/dev/null
sim insert c1 >/dev/null
ok "an account on a card" admin open --meter $M --name 张三 --tariff 1 --amount 5
cust=$(sqlite3 "$T/site.db" "select customer_no from customers")
# 2,000 accounts without cards and a few sales: a file of many pages of every kind
{
    echo name,address,phone,meter,tariff
    for i in $(seq 30000001 30002000); do echo "户$i,${i}号楼,1380000$((i % 10000)),$i,1"; done
} >"$T/many.csv"
ok "2000 accounts imported" admin import customers "$T/many.csv"
for i in 1 2 3; do
    sim eject >/dev/null
    sim meter-insert $M c1 >/dev/null
    sim insert c1 >/dev/null
    clerk sell --customer "$cust" --amount 1 >/dev/null
done
sim eject >/dev/null
sim meter-insert $M c1 >/dev/null
cp "$D/c1.card" "$T/c1.card.base"
sqlite3 "$T/site.db" "pragma wal_checkpoint(truncate)" >/dev/null
cp "$T/site.db" "$T/base.db"
size=$(stat -c %s "$T/base.db")
ok "the base database passes its check ($((size / 1024)) KB)" k check

# corrupt FILE OFFSET BYTE: one byte overwritten
corrupt() { printf "\\x$(printf %02x "$3")" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none; }

RANDOM=$seed
damaged=0 sold_damaged=0 refused_damaged=0 sold_good=0
for ((i = 1; i <= copies; i++)); do
    off=$(((RANDOM * 32768 + RANDOM) % size))
    byte=$((RANDOM % 256))
    [ "$byte" = "$(od -An -tu1 -j "$off" -N1 "$T/base.db" | tr -d ' ')" ] && byte=$(((byte + 1) % 256))
    rm -f "$T/chk.db"* "$T/sale.db"*
    cp "$T/base.db" "$T/chk.db"
    corrupt "$T/chk.db" "$off" "$byte"
    cp "$T/chk.db" "$T/sale.db"
    "$KWHPOS" -c "$T/k.ini" --db "$T/chk.db" check >/dev/null 2>&1
    [ $? -eq 7 ] && bad=1 || bad=0
    sim eject >/dev/null 2>&1
    cp "$T/c1.card.base" "$D/c1.card"
    sim insert c1 >/dev/null
    out=$(echo "$CLERK" | "$KWHPOS" -c "$T/k.ini" --db "$T/sale.db" --user clerk sell \
        --customer "$cust" --amount 1 2>&1)
    written=0
    cmp -s "$D/c1.card" "$T/c1.card.base" || written=1
    if [ $bad = 1 ]; then
        damaged=$((damaged + 1))
        if [ $written = 1 ]; then
            sold_damaged=$((sold_damaged + 1))
            echo "# copy $i (byte $off = $byte): check says damaged, the sale wrote the card: $out"
            echo "# integrity: $(sqlite3 "$T/chk.db" "pragma integrity_check" 2>&1 | head -3 | tr "\n" " ")"
            echo "# quick: $(sqlite3 "$T/chk.db" "pragma quick_check" 2>&1 | head -3 | tr "\n" " ")"
        fi
        case $out in *"no card is written: the database failed a check"*) refused_damaged=$((refused_damaged + 1)) ;; esac
    elif [ $written = 1 ]; then
        sold_good=$((sold_good + 1))
    fi
done
echo "# $copies copies: $damaged damaged by the check; sales that wrote the card on them: $sold_damaged; refused for the damage: $refused_damaged; sales on the others: $sold_good"
ok "some copies are damaged ($damaged of $copies)" test $damaged -gt 0
is "no sale wrote a card on a copy the check calls damaged" "$sold_damaged" 0

# --- the refusal stays for every terminal until a restore or a check that passes ------------
cp "$T/base.db" "$T/site.db"
rm -f "$T/site.db-wal" "$T/site.db-shm"
k backup >/dev/null
good=$(ls "$T"/backups/kwhpos-*.db | tail -n 1)
# a page of the accounts' index damaged where a sale does not look
page=$(sqlite3 "$T/site.db" "select rootpage from sqlite_master where name = 'customers_name'")
if [ -n "$page" ]; then
    psize=$(sqlite3 "$T/site.db" "pragma page_size")
    corrupt "$T/site.db" $(((page - 1) * psize + 8)) 255
    corrupt "$T/site.db" $(((page - 1) * psize + 9)) 255
fi
out=$(k check 2>&1); rc=$?
is "kwhpos check: damaged (exit 7)" "$rc" 7
ok "it leaves the mark beside the database" test -s "$T/site.db-damaged"
sim eject >/dev/null
cp "$T/c1.card.base" "$D/c1.card"
sim insert c1 >/dev/null
out=$(clerk sell --customer "$cust" --amount 1 2>&1); rc=$?
is "a sale is refused (exit 7)" "$rc" 7
like "saying what to do" "$out" "no card is written: the database failed a check .*kwhpos check.*: .*restore"
ok "and the card is as it was" cmp -s "$D/c1.card" "$T/c1.card.base"
out=$(clerk card read 2>&1)
like "the card can still be read" "$out" "$cust"
rm -f "$T/site.db" "$T/site.db-wal" "$T/site.db-shm"
ok "restore onto the moved database" k restore "$good"
ok "the mark is gone" test ! -e "$T/site.db-damaged"
ok "and the sale goes through" clerk sell --customer "$cust" --amount 1
done_testing
