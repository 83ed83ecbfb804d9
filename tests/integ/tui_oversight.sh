#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Oversight in the TUI (issue 14): the one search box of F3 and of 用户信息查询 (pinyin
# initials, the list to choose from with the area), the area fields and the area tree
# screen, 售电图表 drawn from sales on known days, 异常情况查询 with its thresholds, and an
# operator limited to one area seeing only it; in Chinese and in English.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tui_lib.sh"

tui_site || { echo "not ok - site"; exit 1; }
printf '[database]\npath = %s\n[reader]\nport = %s\n' "$TUI_DB" "$TUI_SIM/reader" >"$T/cli.ini"
k() { "$KWHPOS" -c "$T/cli.ini" "$@"; }
admin() { echo 1 | k --user system "$@"; }
db "update operators set must_change=0 where name='system'" >/dev/null
admin area add 园区A >/dev/null && admin area add 园区A/1栋 >/dev/null && admin area add 园区B >/dev/null
printf '1\nclerk-pw-1\nclerk-pw-1\n' | k --user system operator add --name bclerk --role seller >/dev/null
admin operator scope --name bclerk 园区B >/dev/null
db "update operators set must_change=0" >/dev/null
printf 'name,meter,tariff,address,phone,area\n张三,10000001,1,一号楼101,13800000001,园区A/1栋\n张三丰,10000002,1,一号楼102,13800000002,园区B\n张四,10000003,1,二号楼201,13800000003,园区B\n' >"$T/c.csv"
admin import customers "$T/c.csv" >/dev/null
# an account with a card in 园区A: opened with 100 yuan three days ago, 10 yuan today
sim eject >/dev/null; sim new-card c1 >/dev/null && sim insert c1 >/dev/null && sim new-meter 20240001 >/dev/null
admin open --name 赵六 --meter 20240001 --tariff 1 --amount 100 --in 园区A >/dev/null
sim eject >/dev/null; sim meter-insert 20240001 c1 >/dev/null; sim insert c1 >/dev/null
admin sell --customer 10000004 --amount 10 >/dev/null
db "update sales set created = created - 3*86400 where kind = (select min(kind) from sales)" >/dev/null
is "the sales are made: 100 yuan three days ago, 10 today" \
    "$(db "select count(*), sum(amount_fen + fee_fen) from sales where state = 1")" "2|11000"
# 张四 has had no purchase for 90 days
db "update customers set opened = opened - 90*86400 where name = '张四'" >/dev/null

tui_ini "language=zh_CN" "backup.interval_hours=0"
tui_start
tui_login system 1
tui_wait "F9"

# --- 售电图表 -----------------------------------------------------------------------------
tui_menu 6 9
tui_see "the chart screen" "近30天"
tui_screen
