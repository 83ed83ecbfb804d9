#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Maintenance workflows through the TUI on kwhsim: transfer, information edit, card
# reissue, meter change, refund card and refund, closing, tool cards, read and wipe.
# Each step is checked on the screen and in the database or on the meter.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tui_lib.sh"

tui_site || { echo "not ok - site"; exit 1; }
sim_start || { echo "not ok - kwhsim serve"; exit 1; }
sim new-card c1 >/dev/null && sim insert c1 >/dev/null && sim new-meter 20240001 >/dev/null
db "update operators set must_change=0 where name='system'" >/dev/null
tui_ini "language=zh_CN"
tui_start
tui_login system 1
tui_see "logged in" "按 F9 或 Enter 打开菜单"

# an account with 100 yuan, loaded into its meter
tui_menu 2 1
tui_wait "用户开户购电"
tui_type "李四"; tui_keys Tab; tui_type "一号楼101"; tui_keys Tab Tab Tab Tab; tui_type "100"
tui_keys Tab Tab Tab; tui_type "20240001"; tui_keys Enter
tui_wait "写读卡器中的白卡？" && tui_keys Enter
tui_see "account opened" "开户成功" 20
tui_keys Enter

# --- M13 reissue 未消费 with a fee: the first purchase is not in the meter yet, so the new
# card c0 carries it again -------------------------------------------------------------
sim eject >/dev/null; sim new-card c0 >/dev/null; sim insert c0 >/dev/null
tui_menu 3 3
tui_see "reissue screen" "尚无用户：请查询用户（F3）"
tui_like "reissue: the prompt names only F3" "尚无用户：请查询用户（F3）"
tui_keys F3
tui_wait "查询用户" && tui_type "10000001" && tui_keys Enter
tui_see "reissue: customer found" "李四"
# what the ledger knows of the last purchase, and the state it proposes
tui_like "reissue: the last purchase is shown" "上次购电：第 1 次，.*189\.28 kWh，100\.00 元"
tui_see "reissue: not known to be in the meter, 未消费 proposed" "尚无电表回报。建议：未消费。"
tui_like "reissue: 未消费 is pre-selected" "消费情况 +< 未消费 >"
# choosing against the records is asked again, and can be taken back
tui_keys Right Enter
tui_see "reissue against the records: asked again" "与记录不符"
tui_see "saying what it costs" "电表会拒收新卡（E7）"
tui_keys Escape
tui_see "reissue against the records: cancelled" "已取消"
is "nothing written" "$(db "select count(*) from sales where kind = 4")" 0
tui_keys Right Tab C-u; tui_type "5"; tui_keys Enter
tui_see "reissue 未消费: confirmation" "确认补卡"
tui_like "reissue 未消费: the confirmation says so" "未消费"
tui_like "reissue 未消费: and what the records say" "记录显示 +未知是否已写入电表"
tui_keys Enter
tui_see "reissue 未消费 done" "补卡成功" 20
tui_keys Enter
is "reissue 未消费: a fee row of 5 yuan" "$(db "select kind, state, fee_fen from sales where kind = 4")" "4|1|500"
is "reissue 未消费: the first sale stays settled" "$(db "select state, amount_fen from sales where kind = 1")" "1|10000"
# slot: user card, area 123456, meter 20240001, customer 10000001, purchase count 1
like "reissue 未消费: the new card carries purchase 1" "$(card_slot c0)" '^01 12 34 56 01 34 d6 81 00 98 96 81 00 01'
sim eject >/dev/null
like "the meter loads the purchase from the reissued card" "$(sim meter-insert 20240001 c0 2>&1)" "good"
sim insert c0 >/dev/null

# --- M17 transfer by card --------------------------------------------------------------
tui_menu 5 1
tui_see "transfer screen" "用户过户"
tui_keys F2
tui_see "transfer: card read" "李四"
tui_type "王五"; tui_keys Tab Tab; tui_type "13900000000"; tui_keys Enter
tui_wait "过户给" && tui_keys Enter
tui_see "transfer done" "已过户给 王五"
is "transfer: new owner in the database" "$(db "select name, phone from customers")" "王五|13900000000"

# --- M19 information edit, found by its meter number in the one box --------------------
tui_menu 5 3
tui_see "edit screen" "用户信息维护"
tui_keys F3
tui_wait "查询用户" && tui_type "87654321" && tui_keys Enter
tui_see "find: a number nobody has is refused, naming both kinds" "没有用户编号或表号为 87654321 的用户"
tui_keys Enter F3
tui_wait "拼音首字母" && tui_type "20240001" && tui_keys Enter
tui_see "edit: customer found by the meter number" "已找到用户"
tui_see "edit: it is the meter's account" "10000001"
tui_keys Tab C-u; tui_type "二号楼202"; tui_keys Enter
tui_wait "保存修改？" && tui_keys Enter
tui_see "edit saved" "已保存"
is "edit: address in the database" "$(db "select address from customers")" "二号楼202"

# --- M13 reissue onto a new blank card ---------------------------------------------------
# (put in once the reissue screen is open: the edit screen reads a card put in, and a
# blank card's message there would take the menu's keys)
tui_menu 3 3
tui_see "reissue screen" "尚无用户：请查询用户（F3）"
sim eject >/dev/null; sim new-card c2 >/dev/null; sim insert c2 >/dev/null
tui_keys F3
tui_wait "查询用户" && tui_type "10000001" && tui_keys Enter
tui_see "reissue: customer found" "王五"
tui_see "reissue: the meter reported the purchase, 已消费 proposed" "电表回报第 1 次购电已输入。建议：已消费。"
tui_keys Enter
tui_wait "确认补卡" && tui_keys Enter
tui_see "reissue done" "补卡成功" 20
tui_keys Enter
is "reissue recorded" "$(db "select count(*) from sales where kind = 4 and state = 1")" 2
sim eject >/dev/null
like "the new card works in the meter" "$(sim meter-insert 20240001 c2 2>&1)" "good"
like "then the old card is refused by the meter" "$(sim meter-insert 20240001 c1 2>&1)" "E1"
sim insert c2 >/dev/null

# --- M16 meter change --------------------------------------------------------------------
sim new-meter 20240002 >/dev/null
tui_menu 4 3
tui_see "meter change screen" "换表"
tui_keys F2
tui_see "meter change: card read" "王五"
tui_keys C-u; tui_type "20240002"; tui_keys Enter
tui_wait "换到表 20240002" && tui_keys Enter
tui_see "meter changed" "换表完成" 20
tui_keys Enter
is "meter change: new meter in the database" "$(db "select meter_no from customers")" 20240002
sim eject >/dev/null
like "the new meter takes the card" "$(sim meter-insert 20240002 c2 2>&1)" "good"
sim insert c2 >/dev/null

# --- M14 refund card, M15 refund ---------------------------------------------------------
tui_menu 4 1
tui_see "refund card screen" "制退电卡"
tui_keys F2
tui_see "refund card: card read" "王五"
tui_keys Enter
tui_wait "制成退电卡？" && tui_keys Enter
tui_see "refund card made" "退电卡已制成" 20
sim eject >/dev/null
like "the meter takes the refund card" "$(sim meter-insert 20240002 c2 2>&1)" "meter 20240002"
# (put back once the refund screen is open: the refund card screen reads a card put in)
tui_menu 4 2
tui_see "refund screen" "读卡退电"
sim insert c2 >/dev/null
tui_keys F2
tui_see "refund: amount shown" "退电金额(元)"
tui_keys Enter
tui_wait "并记录退电？" && tui_keys Enter
tui_see "refund recorded; closing offered" "是否同时为该用户销户？" 20
tui_keys Escape
is "refund in the database" "$(db "select count(*) from sales where kind = 6 and state = 1")" 1
is "account refunded" "$(db "select status from customers")" 2

# --- M18 close by number ---------------------------------------------------------------
tui_menu 5 2
tui_see "close screen" "用户销户"
tui_keys F3
tui_wait "查询用户" && tui_type "10000001" && tui_keys Enter
tui_see "close: customer found" "王五"
tui_keys Enter
tui_wait "销户？" && tui_keys Enter
tui_see "account closed" "已销户" 20
is "closed in the database" "$(db "select status from customers")" 3

# --- M31 read and wipe, M30 tool cards ---------------------------------------------------
tui_menu 8 5
tui_see "read/wipe screen" "读卡清卡"
tui_keys F2
tui_see "read: the refund card" "退电卡"
tui_keys F8
tui_wait "清成白卡？" && tui_keys Enter
tui_see "wiped" "已清成白卡" 20
tui_menu 8 3
tui_see "relay card screen" "继电器卡"
tui_keys Enter
tui_wait "写继电器卡？" && tui_keys Enter
tui_see "relay card written" "继电器卡已写好" 20
tui_menu 8 5
tui_keys F2
tui_see "read: a relay card" "继电器卡"
tui_keys F8
tui_wait "清成白卡？" && tui_keys Enter
tui_see "relay card wiped" "已清成白卡" 20
tui_menu 8 1
tui_see "management card screen" "管理卡"
tui_keys Enter
tui_wait "写管理卡？" && tui_keys Enter
tui_see "management card written" "管理卡已写好" 20
# slot: type 03 (management), area 123456, no meter, no customer
like "the card is a management card" "$(card_slot c2)" '^03 12 34 56 00 00 00 00 00 00 00 00'

# 清零卡 and 测试卡, each on the card wiped again
tool_card() { # MENU-ITEM NAME TYPE-BYTE
    tui_menu 8 5
    tui_keys F2
    tui_see "read before $2" "读卡清卡"
    tui_keys F8
    tui_wait "清成白卡？" && tui_keys Enter
    tui_see "wiped before $2" "已清成白卡" 20
    tui_menu 8 "$1"
    tui_see "$2 screen" "$2"
    tui_keys Enter
    tui_wait "写$2？" && tui_keys Enter
    tui_see "$2 written" "$2已写好" 20
    like "the card is a $2" "$(card_slot c2)" "^$3 12 34 56 00 00 00 00 00 00 00 00"
}
tool_card 2 清零卡 04
tool_card 4 测试卡 06
is "tool cards recorded" "$(db "select count(*) from card_ops where kind = 9 and state = 1")" 4

# the area code screen: its title is the manual's name, its field the area code
tui_menu 1 3
tui_see "area code screen" "用电单位局号设置"
tui_like "its field is labelled 区域代码" "^ *区域代码 +[0-9]{6}"
tui_keys Escape

# --- M24, M25 补卡查询 and 换表查询; the monthly report --------------------------------
tui_menu 6 5
tui_see "reissue query screen" "补卡查询"
tui_keys F3
tui_see "reissue query: the customer's rows" "10000001"
is "reissue query: two reissues in the database" "$(db "select count(*) from events where kind = 4")" 2
like "reissue query: two rows on the screen" "$(tui_screen | grep -c 10000001)" '^2$'
tui_menu 6 6
tui_see "meter change query screen" "换表查询"
tui_keys F3
tui_see "meter change query: the new meter" "20240002"
is "meter change query: one change in the database" "$(db "select count(*) from events where kind = 7")" 1
# the details column is cut in the list; Enter on the row (the focus after F3) shows it all
tui_keys Enter
tui_see "meter change query: the row in full shows the old meter" "20240001"
tui_keys Enter
tui_menu 6 2
tui_see "sales query screen" "购电电量查询"
tui_keys BTab BTab Right Right
tui_see "monthly report chosen" "月报表"
tui_keys F3
month=$(date +%Y-%m)
tui_see "monthly report: this month's row" "$month"
tui_stop

# --- a card reissued as 已消费 that its meter refuses (E7), read back at the counter -------
# (made on the command line while no terminal holds the reader)
kp() { printf '1\n' | "$KWHPOS" -c "$TUI_INI" --user system "$@"; }
sim eject >/dev/null; sim new-card c7 >/dev/null; sim insert c7 >/dev/null
sim new-meter 20240007 >/dev/null
kp open --name 赵七 --meter 20240007 --tariff 1 --kwh 10 >/dev/null
sim eject >/dev/null; sim meter-insert 20240007 c7 >/dev/null; sim insert c7 >/dev/null
kp sell --customer 10000002 --kwh 20 >/dev/null # lost before it reached the meter
sim eject >/dev/null; sim new-card c7b >/dev/null; sim insert c7b >/dev/null
kp reissue --customer 10000002 --consumed >/dev/null
sim eject >/dev/null
like "E7: the meter refuses the card reissued as 已消费" "$(sim meter-insert 20240007 c7b 2>&1)" "E7"
sim insert c7b >/dev/null
tui_start
tui_login system 1
tui_wait "F9"
tui_menu 3 1
tui_see "E7: daily sale" "结算方式"
tui_keys F2
tui_see "E7: refused at the read" "E7"
tui_keys Enter
tui_like "E7: the purchase the meter refused is not called 已消费" "消费情况 +未消费"
unlike "E7: never 已消费（已写入电表）" "$(tui_screen)" "已写入电表）"
tui_like "E7: the refused 20 kWh stay in the balance (10 + 20)" "余额\(估\) +30\.00 kWh"
tui_stop

done_testing
