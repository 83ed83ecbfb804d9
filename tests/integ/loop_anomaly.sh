#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# kwh-backends: sqlite pg
# The anomaly reports (kwhpos anomalies), each found in a scenario built on purpose
# through `kwhsim serve`, its meters and card files: a purchase never loaded, an idle
# account, a meter whose memory was tampered so its total runs backwards, a copied card
# file used twice, a card whose PSC error counter shows wrong tries, and one account of an
# area using far more than the others. Elapsed days are made by moving the account's last
# purchase back in the database.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/loop_lib.sh"
export TZ=Asia/Shanghai

MX=21000001 MY=21000002 MZ=21000003 MW=21000004 MV=21000005 MP1=21000011 MP2=21000012 MP3=21000013
rows() { printf '%s\n' "$OUT" | tr -d '\r' | grep -c "$1"; }
# open NAME METER CARD KWH AREA: an account on a new card; CUSTOMER is its number
open_acct() {
    sim new-meter "$2" >/dev/null
    sim new-card "$3" >/dev/null
    sim insert "$3" >/dev/null
    run kp open --name "$1" --meter "$2" --tariff 居民生活用电 --kwh "$4" ${5:+--in "$5"}
    CUSTOMER=$(kv customer)
    sim eject >/dev/null
}
# read_back CARD: the card read at the counter (what the meter wrote on it is seen)
read_back() {
    sim insert "$1" >/dev/null
    run kp card read
    sim eject >/dev/null
}
age() { q "UPDATE customers SET last_purchase = last_purchase - $2 * 86400 WHERE customer_no = $1"; }
# tamper METER KEY VALUE: a meter's memory changed by hand, its check line made to match
tamper() {
    /usr/bin/python3 - "$D/meter-$1.txt" "$2" "$3" <<'PYEOF'
import sys
path, key, value = sys.argv[1:]
lines = [l for l in open(path).read().split("\n") if l and not l.startswith("check ")]
lines = [key + " " + value if l.split(" ")[0] == key else l for l in lines]
body = ("\n".join(lines) + "\n").encode()
crc = 0xFFFF
for b in body:
    crc ^= b << 8
    for _ in range(8):
        crc = ((crc << 1) ^ 0x1021) & 0xFFFF if crc & 0x8000 else (crc << 1) & 0xFFFF
open(path, "wb").write(body + b"check %04x\n" % crc)
PYEOF
}

start_sim
ok "a site is created" new_site "$INI" "$DB" 123456
kp area add 园区A >/dev/null
kp area add 园区B >/dev/null

# --- a purchase never loaded -------------------------------------------------------------
open_acct 甲 $MX cx 10 园区A
X=$CUSTOMER
age "$X" 8
run kp anomalies unloaded --format csv
is "unloaded: exit 0" "$RC" 0
is "the account whose purchase is 8 days old and not in the meter" "$(rows "^$X,甲,$MX,园区A,.*,8,1,0")" 1
run kp anomalies unloaded --days 10 --format csv
is "not with --days 10" "$(rows "^$X,")" 0

# --- an idle account ------------------------------------------------------------------------
open_acct 乙 $MY cy 10 园区A
Y=$CUSTOMER
is "乙's card loads" "$(mi $MY cy)" "good"
read_back cy
age "$Y" 70
run kp anomalies idle --format csv
is "idle: 乙, 70 days without a purchase" "$(rows "^$Y,乙,$MY,园区A,.*,70$")" 1
is "甲 (8 days) is not idle at 60" "$(rows "^$X,")" 0
run kp anomalies unloaded --format csv
is "乙's purchase is in the meter: not unloaded" "$(rows "^$Y,")" 0

# --- a meter total running backwards ----------------------------------------------------------
open_acct 丙 $MZ cz 20
Z=$CUSTOMER
is "丙's card loads" "$(mi $MZ cz)" "good"
sim use $MZ --kwh 5 >/dev/null
mi $MZ cz >/dev/null
read_back cz
is "the counter saw 5 kWh used" "$(kv meter_report | grep -o 'remaining=[0-9.]*')" "remaining=15.00"
tamper $MZ used 100
mi $MZ cz >/dev/null
read_back cz
run kp anomalies backwards --format csv
is "backwards: meter $MZ, used 5.00 then 1.00" "$(rows "^$Z,丙,$MZ,,.*,5.00,1.00,20.00,20.00$")" 1

# --- a copied card file used twice ---------------------------------------------------------------
open_acct 丁 $MW cw 10
W=$CUSTOMER
mi $MW cw >/dev/null
sim insert cw >/dev/null
run kp sell --customer "$W" --kwh 5
sim eject >/dev/null
cp "$D/cw.card" "$D/cw-copy.card"
is "the meter takes the sale" "$(mi $MW cw)" "good"
read_back cw
cp "$D/cw-copy.card" "$D/cw.card"
read_back cw
is "the copy is refused at the counter" "$RC" 6
run kp anomalies copies --format csv
is "copies: 丁's card seen older than before (count 2 both times)" "$(rows "^$W,丁,$MW,,.*,2,2,")" 1
run kp anomalies backwards --format csv
is "the copy's old meter report is not a meter running backwards" "$(rows "^$W,")" 0

# --- a card tried with wrong PSCs --------------------------------------------------------------
open_acct 戊 $MV cv 10
V=$CUSTOMER
read_back cv
run kp anomalies psc --format csv
is "a card read with its 3 tries is not listed" "$(rows "^$V,")" 0
is "every read at the counter noted the card's error counter" \
    "$(q "SELECT count(*) FROM card_seen WHERE psc_errors < 0 OR psc_errors > 3")" 0
# two wrong PSCs presented elsewhere: the card keeps 1 try (the counter's state in the file)
sed -i 's/^tries 3$/tries 1/' "$D/cv.card"
read_back cv
is "the card is still read at the counter" "$RC" 0
run kp anomalies psc --format csv
is "psc: 戊's card seen with 1 try left, purchase count 1" "$(rows "^$V,戊,$MV,,.*,1,1$")" 1
is "and no other card" "$(printf '%s\n' "$OUT" | tail -n +2 | grep -c .)" 1
run kp anomalies psc
like "text: a title" "$OUT" "cards tried with wrong PSCs"

# --- usage far above the area --------------------------------------------------------------------
i=0
for m in $MP1 $MP2 $MP3; do
    i=$((i + 1))
    open_acct "户$i" $m "cp$i" 100 园区B
    eval "P$i=$CUSTOMER"
    mi $m "cp$i" >/dev/null
    read_back "cp$i"
done
sim use $MP1 --kwh 1 >/dev/null
sim use $MP2 --kwh 2 >/dev/null
sim use $MP3 --kwh 50 >/dev/null
for i in 1 2 3; do
    m=$(eval echo "\$MP$i")
    mi "$m" "cp$i" >/dev/null
    read_back "cp$i"
done
run kp anomalies outliers --format csv
is "outliers: 户3 used 50 kWh, the area's median 2" "$(rows "^$P3,户3,$MP3,园区B,.*,50.00,2.00,2$")" 1
is "and nobody else" "$(printf '%s\n' "$OUT" | tail -n +2 | grep -c .)" 1
run kp anomalies outliers --factor 30 --format csv
is "not with --factor 30" "$(rows "^$P3,")" 0
run kp anomalies outliers --in 园区A --format csv
is "not in 园区A" "$(rows "^$P3,")" 0

# --- the scope, the order, the formats, bad thresholds ------------------------------------------
printf '%s\nli-first-12\nli-first-12\n' "$PW" | "$KWHPOS" -c "$INI" --user system operator add --name li --role seller >/dev/null
# a new operator sets their own password at the first login
printf 'li-first-12\nli-pass-12\nli-pass-12\n' | "$KWHPOS" -c "$INI" --user li operator passwd >/dev/null
kp operator scope --name li 园区B >/dev/null
OUT=$(printf 'li-pass-12\n' | "$KWHPOS" -c "$INI" --user li anomalies unloaded --format csv)
is "li (园区B only) sees no unloaded purchase of 园区A" "$(rows "^$X,")" 0
run kp anomalies idle --days 1 --sort customer --format csv
is "--sort customer" "$(printf '%s\n' "$OUT" | tail -n +2 | cut -d, -f1 | tr -d '\r' | sort -c && echo sorted)" "sorted"
run kp anomalies unloaded
like "text: a title" "$OUT" "purchases not in the meter"
like "and how many" "$OUT" "1 found"
run kp anomalies unloaded --days 0
is "--days 0: exit 2" "$RC" 2
run kp anomalies unloaded --days abc
is "--days abc: exit 2" "$RC" 2
run kp anomalies outliers --factor 1
is "--factor 1: exit 2" "$RC" 2
run kp anomalies nonsense
is "an unknown report: exit 2" "$RC" 2
like "naming the reports" "$OUT" "unloaded, idle, backwards, copies, outliers or psc"
# the thresholds from the INI's [anomaly]
{ cat "$INI"; printf '[anomaly]\nunloaded_days = 10\n'; } >"$T/a.ini"
KINI=$T/a.ini run kp anomalies unloaded --format csv
is "[anomaly] unloaded_days = 10: the 8-day-old purchase is not listed" "$RC:$(rows "^$X,")" "0:0"
KINI=$T/a.ini run kp anomalies unloaded --days 5 --format csv
is "--days 5 wins over the INI" "$(rows "^$X,")" 1
for bad in 0 ten; do
    { cat "$INI"; printf '[anomaly]\nidle_days = %s\n' "$bad"; } >"$T/b.ini"
    KINI=$T/b.ini run kp anomalies idle
    is "[anomaly] idle_days = $bad is refused (exit 2)" "$RC" 2
    like "naming the key" "$OUT" "idle_days"
done
kp anomalies copies --format xlsx >"$T/c.xlsx"
is "as xlsx" "$(/usr/bin/python3 -c "import openpyxl,sys; ws=openpyxl.load_workbook(sys.argv[1]).active; print(ws.max_row, ws.cell(2, 1).value)" "$T/c.xlsx")" "2 $W"
done_testing
