#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# tools/demo-site.sh BUILD DEMO — create the demo site in DEMO if it is not there yet:
# a database (area code 888888, two tariffs), an administrator and a seller, the
# simulator's folder with meters and cards, three customers whose cards have been in
# their meters, and blank cards for the newcomer. Idempotent: an existing site is left.
set -euo pipefail
B=$(cd "$1" && pwd)
DEMO=$2
K=$B/kwhpos
S=$B/kwhsim
ADMIN_PW=admin123
CLERK_PW=clerk123

mkdir -p "$DEMO/sim"
DEMO=$(cd "$DEMO" && pwd)
if [ -f "$DEMO/site.db" ]; then
    echo "demo site: $DEMO (already set up)"
    exit 0
fi

cat >"$DEMO/kwhpos.ini" <<INI
; the demo site: see README.md
[database]
path = site.db
[reader]
port = sim/reader
baud = 115200
[ui]
idle_lock_minutes = 15
demo = true
[print]
queue =
form = $(cd "$(dirname "$0")/.." && pwd)/forms/receipt80.form
[backup]
dir = backups
[sim]
dir = sim
INI

cfg=(-c "$DEMO/kwhpos.ini")
"$K" "${cfg[@]}" init --area 888888 --unit 幸福小区物业 --phone 0571-88886666 >/dev/null
printf '1\n%s\n%s\n' "$ADMIN_PW" "$ADMIN_PW" | "$K" "${cfg[@]}" --user system operator passwd >/dev/null
printf '%s\nclerk-first-1\nclerk-first-1\n' "$ADMIN_PW" |
    "$K" "${cfg[@]}" --user system operator add --name clerk --role seller >/dev/null
# a new operator sets their own password at the first login: the demo's is clerk123
printf 'clerk-first-1\n%s\n%s\n' "$CLERK_PW" "$CLERK_PW" |
    "$K" "${cfg[@]}" --user clerk operator passwd >/dev/null

"$S" --dir "$DEMO/sim" serve --baud 115200 2>"$DEMO/sim/serve.log" &
sim=$!
trap 'kill $sim 2>/dev/null || true; wait $sim 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do [ -e "$DEMO/sim/reader" ] && break; sleep 0.05; done

open_one() { # meter card name address kwh type
    local meter=$1 card=$2 name=$3 addr=$4 kwh=$5 type=$6 rating=${7:-60} extra=()
    [ "$type" = three-ct ] && extra=(--type ct --ct 30 --rating 6 --limit 6 --hoard 99999)
    "$S" --dir "$DEMO/sim" new-meter "$meter" --type "$type" --rating "$rating" >/dev/null
    "$S" --dir "$DEMO/sim" new-card "$card" >/dev/null
    "$S" --dir "$DEMO/sim" insert "$card" >/dev/null
    echo "$CLERK_PW" | "$K" "${cfg[@]}" --user clerk open --name "$name" --address "$addr" \
        --meter "$meter" --tariff 居民生活用电 --kwh "$kwh" "${extra[@]}" >/dev/null
    "$S" --dir "$DEMO/sim" eject >/dev/null
    "$S" --dir "$DEMO/sim" meter-insert "$meter" "$card" >/dev/null
}
open_one 20240001 zhang 张三 "一号楼 1单元 101" 100 single
open_one 20240002 li 李四 "一号楼 1单元 102" 50 single
open_one 20240003 factory 东方机械厂 "工业园 3号" 500 three-ct 6
"$S" --dir "$DEMO/sim" new-meter 20240004 >/dev/null
"$S" --dir "$DEMO/sim" new-meter 20240005 --type three-direct --rating 80 >/dev/null
for c in blank1 blank2 blank3; do "$S" --dir "$DEMO/sim" new-card "$c" >/dev/null; done
"$S" --dir "$DEMO/sim" stop >/dev/null 2>&1 || true
# the same list in the terminal UI: the simulator panel's first entry shows sim/demo.txt
cat >"$DEMO/sim/demo.txt" <<TXT
Operators: system / $ADMIN_PW (administrator), clerk / $CLERK_PW (seller)
Customers and their cards:
  10000001 张三        meter 20240001 (单相)       card zhang
  10000002 李四        meter 20240002 (单相)       card li
  10000003 东方机械厂  meter 20240003 (三相互感, CT 30)  card factory
New meters: 20240004 (单相), 20240005 (三相直通)
Blank cards: blank1, blank2, blank3
The reader starts empty: this panel puts a card in it.
A meter loads a purchase, and writes what it holds onto the card, only
when the card goes into it: after using energy, put the card into the
meter again, then into the reader, to see the change.
The demo has no printer. English: [ui] language = en in kwhpos.ini.
TXT
echo "demo site: $DEMO"
sed 's/^/  /' "$DEMO/sim/demo.txt"
