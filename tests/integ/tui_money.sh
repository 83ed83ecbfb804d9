#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The money screens in Chinese at 80x24 (docs/ui.md): 费用设置 (the site's arrears rule, a
# monthly fee; bad input refused, nothing written), 用户欠费 (an old debt entered with a
# reason, a waiver above what is owed refused), 欠费 of the site (the account and the
# total), the daily sale's hint priced with the tiers, the fees and the arrears as the
# confirmation then shows them, and an account's extra first-tier kWh and own arrears rule
# in 用户信息维护. Each change is checked on the screen and in the database.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tui_lib.sh"

tui_site || { echo "not ok - site"; exit 1; }
db "update operators set must_change=0 where name='system'" >/dev/null
tui_ini "language=zh_CN"
kp() { echo 1 | "$KWHPOS" -c "$TUI_INI" --user system "$@"; }
# a monthly ladder (to 200 kWh at 0.50, to 400 at 0.60, 0.80 above), a service fee, and an
# account on the ladder that bought 150 kWh, its card back from the meter
kp tariff add --name 阶梯 --tiers 200:0.5,400:0.6,0.8 --period monthly >/dev/null
kp fee add --name 服务费 --kind sale --amount 2 >/dev/null
sim new-meter 20240001 >/dev/null
kp open --name 王五 --meter 20240001 --tariff 阶梯 --kwh 150 --pay cash >/dev/null ||
    { echo "not ok - the account"; exit 1; }
sim eject >/dev/null && sim meter-insert 20240001 c0 >/dev/null && sim insert c0 >/dev/null
A=10000001

tui_start
tui_login system 1
tui_see "logged in" "按 F9 或 Enter 打开菜单"

# --- 费用设置 -------------------------------------------------------------------------------
tui_menu 1 9
tui_see "the fee screen" "售电时收取"
tui_like "the card fee" "补卡费 +补卡时"
tui_like "the service fee" "服务费 +每次购电 +2\.00"
tui_like "the site's arrears rule" "欠费收回（全站） +按付款比例 +50 %"
# the rule: a percentage over 100 refused, then 10 %
tui_keys Down Down Tab Tab C-u; tui_type "150"; tui_keys Enter
tui_like "a percentage over 100 is refused" "付款比例\(%\) 必须是 1 到 100 之间的整数"
is "the rule unchanged" "$(db "select count(*) from settings where key = 'recovery_value'")" 0
tui_keys C-u; tui_type "10"; tui_keys Enter
tui_see "the rule saved" "已保存"
tui_like "and listed" "欠费收回（全站） +按付款比例 +10 %"
is "the rule in the database" "$(db "select value from settings where key = 'recovery_value'")" 10
# a monthly fee: a letter in the amount refused as typed
tui_keys F5; tui_type "物业费"; tui_keys Tab Right Tab; tui_type "5x"
tui_see "a letter in the amount is refused" "只能输入数字和一个小数点"
is "no fee added yet" "$(db "select count(*) from fee_types")" 1
tui_keys Enter
tui_like "the monthly fee added" "物业费 +每月 +5\.00"
is "in the database" "$(db "select kind, amount_fen from fee_types where name = '物业费'")" "3|500"

# --- 电价类型设置: Zhejiang's ladder typed in Chinese, a table not increasing refused ------
tui_menu 1 4
tui_see "the tariff screen" "电价种类"
tui_keys F5; tui_type "浙江居民"; tui_keys Tab Right
tui_like "a tiered tariff asks for its period" "计档周期 +< 按年 >"
tui_keys Tab Tab C-u; tui_type "1"
tui_keys Tab; tui_type "2760"; tui_keys Tab; tui_type "0.538"
tui_keys Tab; tui_type "2700"; tui_keys Tab; tui_type "0.588"
tui_keys Tab Tab; tui_type "0.838"; tui_keys Enter
tui_see "tiers not increasing are refused" "各档上限必须递增：第 1 档止于 2760.00 kWh，第 2 档止于 2700.00 kWh"
is "nothing written" "$(db "select count(*) from tariffs where name = '浙江居民'")" 0
tui_keys BTab BTab BTab C-u; tui_type "4800"; tui_keys Enter
tui_see "the ladder added" "电价类型 浙江居民 已添加。"
tui_see "listed with its tiers" "0.5380，3 档"
is "its tiers" "$(db "select group_concat(r.upto_ckwh || '@' || r.price) from tariff_tiers r join tariff_prices p on p.id = r.price_id join tariffs t on t.id = p.tariff_id where t.name = '浙江居民'")" "276000@5380,480000@5880,0@8380"

# --- 用户欠费 (用户维护) ---------------------------------------------------------------------
tui_menu 5 4
tui_see "the account's arrears screen" "请读卡（F2）或查询用户（F3）"
tui_keys F3; tui_type "$A"; tui_keys Enter
tui_see "the account found" "尚欠 0.00 元"
tui_see "no history yet" "还没有欠费记录"
tui_keys Tab; tui_type "30"; tui_keys Tab; tui_type "2025年旧欠费"; tui_keys Enter
tui_see "entering a debt asks first" "录入欠费 30.00 元？"
tui_keys Enter
tui_see "the debt saved" "已保存。王五 尚欠 30.00 元。"
tui_like "in the history with its reason" "录入 +30\.00 +2025年旧欠费 +system"
is "in the database" "$(db "select arrears_fen from customers where customer_no = $A")" 3000
# a waiver of more than is owed: refused, nothing changed
tui_keys BTab BTab Right Tab C-u; tui_type "50"; tui_keys Tab C-u; tui_type "核减"; tui_keys Enter
tui_see "a waiver asks first" "减免 王五（10000001）的欠费 50.00 元？"
tui_keys Enter
tui_see "more than owed is refused" "操作未完成"
tui_keys Enter
is "still owed 30.00" "$(db "select arrears_fen from customers where customer_no = $A")" 3000
is "no waiver recorded" "$(db "select count(*) from arrears")" 1

# --- 欠费 of the site (系统设置) --------------------------------------------------------------
tui_menu 1 0
tui_like "the account that owes" "$A +王五 +20240001 +30\.00 +按全站规则"
tui_see "the total" "共 1 个用户欠费，合计 30.00 元。"
tui_keys Enter
tui_see "Enter opens the account's arrears" "尚欠 30.00 元"

# --- the daily sale's hint: tiers, fees, arrears ------------------------------------------
# 1850 kWh of room (2000 less the 150 in the meter) from 150 kWh bought this month: 50 at
# 0.50, 200 at 0.60, 1600 at 0.80 = 1425.00; fees 2.00 + 5.00 (物业费, this month); 10 % of
# the payment is more than the 30.00 owed: 30.00. 1462.00 in all.
tui_menu 3 1
tui_keys F2
tui_see "the room in yuan, as the sale prices it" "最多可购 1850.00 kWh（1462.00 元）"
tui_see "of it the fees and the arrears" "其中费用 7.00 元、收回欠费 30.00 元（共欠 30.00 元）"
tui_see "from the first tier" "第 1 档（共 3 档）0.5000 元/kWh"
tui_type "1462"; tui_keys Enter
tui_like "the confirmation: the same energy" "1850\.00"
tui_like "the confirmation: the fees" "服务费 +2\.00"
tui_like "the confirmation: the arrears" "30\.00"
tui_keys Escape
is "nothing sold" "$(db "select count(*) from sales")" 1

# --- 用户信息维护: the account's terms --------------------------------------------------------
tui_menu 5 3
tui_keys F3; tui_type "$A"; tui_keys Enter
tui_like "the account's terms: no extra kWh" "一档加额\(kWh\) +0\.00"
tui_like "the site's arrears rule" "欠费收回 +< 按全站规则 >"
for _ in $(seq 10); do tui_keys Tab; done
tui_keys C-u; tui_type "100"; tui_keys Tab Right Right Tab; tui_type "20"; tui_keys Enter
tui_see "saving asks" "保存修改？"
tui_keys Enter
tui_see "saved" "已保存。"
is "the extra first-tier kWh and the account's own rule" \
    "$(db "select tier_extra_ckwh, recovery_mode, recovery_value from customers where customer_no = $A")" \
    "10000|2|20"
tui_stop
done_testing
