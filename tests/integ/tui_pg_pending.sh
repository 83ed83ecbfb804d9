#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# kwh-backends: pg
# The terminal UI at a station whose INI names a PostgreSQL ledger ([database] url): it
# opens that ledger, never the file [database] path names beside it, and 待确认写卡 lists
# the card writes two stations left waiting for their cards, each with the station that
# recorded it ([station] name of its INI).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/loop_lib.sh"
. "$(dirname "$0")/tui_lib.sh"
TUI_SIM=$D # one simulator: loop_lib's, driven by tui_lib's sim too

start_sim --baud 115200
ok "the simulator starts" test -S "$D/control.sock"
ok "a site on PostgreSQL" new_site "$INI" "$DB" 123456
# a [database] path as well, naming a file that must stay unmade: url wins
sed -i "/^url = /a path = $T/not-this.db" "$INI"
INI2=$T/k2.ini
cp "$INI" "$INI2"
printf '[station]\nname = 东区站\n[ui]\nlanguage = zh_CN\n' >>"$INI"
printf '[station]\nname = 西区站\n' >>"$INI2"

# pulled CARD METER NAME: an account on CARD, then a sale whose card goes out before its
# first byte (kwhsim fault pull 0): the sale waits for its card (exit 8)
pulled() {
    sim eject >/dev/null 2>&1
    sim new-card "$1" --force >/dev/null && sim new-meter "$2" --force >/dev/null
    sim insert "$1" >/dev/null
    kp open --name "$3" --meter "$2" --tariff 居民生活用电 --kwh 5 >/dev/null || return 1
    sim eject >/dev/null 2>&1 && sim meter-insert "$2" "$1" >/dev/null && sim insert "$1" >/dev/null
    sim fault pull 0 >/dev/null
    kp sell --customer "$(q "SELECT customer_no FROM customers WHERE meter_no = $2")" --kwh 5 \
        >/dev/null 2>&1
    RC=$?
    sim fault clear >/dev/null
    sim eject >/dev/null 2>&1
    return 0
}
pulled c1 30000001 李四
is "a sale at 东区站 waits for its card (exit 8)" "$RC" 8
KINI=$INI2 pulled c2 30000002 王五
is "a sale at 西区站 waits for its card (exit 8)" "$RC" 8
is "the ledger keeps each write's station" \
    "$(q "SELECT station FROM card_ops WHERE state = 0 ORDER BY id" | tr '\n' ' ')" "东区站 西区站 "

TUI_INI=$INI
tui_start
tui_login system "$PW"
tui_see "the UI logs in on the PostgreSQL ledger" "F9"
tui_menu 4 6
tui_see "待确认写卡 opens" "待确认写卡"
tui_like "the sale from 东区站" " 李四 +[0-9a-f]{12} +[0-9]{2}-[0-9]{2} [0-9:]{5} +system +东区站"
tui_like "the sale from 西区站" " 王五 +[0-9a-f]{12} +[0-9]{2}-[0-9]{2} [0-9:]{5} +system +西区站"
tui_like "the line under the list names the selected write's station" "记录于工作站 东区站，"
tui_stop
ok "the file [database] path names was never made" test ! -e "$T/not-this.db"
done_testing
