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
# 赵六's card, tried elsewhere with two wrong PSCs (1 try left), read at the counter
sim eject >/dev/null && sed -i 's/^tries 3$/tries 1/' "$TUI_SIM/c1.card" && sim insert c1 >/dev/null
is "the card with 1 try left is read at the counter" "$(admin card read >/dev/null; echo $?)" 0
# 张四 has had no purchase for 90 days
db "update customers set opened = opened - 90*86400 where name = '张四'" >/dev/null

tui_ini "language=zh_CN" "backup.interval_hours=0"
tui_start
tui_login system 1
tui_wait "F9"

# the last entry of a menu (past 9: no digit reaches it)
menu_last() { tui_keys F9; tui_keys "$1"; tui_keys Up Enter; wait_for 5 _tui_menu_closed || true; }
# the entry before the last (异常情况查询 before 区域统计)
menu_second_last() { tui_keys F9; tui_keys "$1"; tui_keys Up Up Enter; wait_for 5 _tui_menu_closed || true; }

# --- 售电图表: 100 yuan three days ago, 10 today ------------------------------------------
tui_menu 6 0
tui_see "the chart screen: the last 30 days of money, the whole site" "每日金额(元)"
# the bars: 30 days two columns apart from column 14; the big day (26) fills the chart,
# today (29) is a tenth of it: one row of eighths
tui_like "the value axis tops at 100.00 and the big day reaches it" '^ +100\.00│ {52}█$'
tui_like "half way: 50.00" '^ +50\.00│ {52}█$'
tui_like "today's bar is one row high, beside the big day's" '^ +│ {52}█ {5}█$'
tui_like "the days under the bars, today last" "^ +0└─{60}$"
tui_like "today's day of the month under its bar" " $(date +%d)\$"
tui_see "the totals of the 30 days" "合计：2 笔，208.20 kWh，110.00 元"
tui_see "the highest day" "最高：$(date -d '3 days ago' +%F)，100.00"
tui_keys Right
tui_see "12 months" "每月金额(元)"
tui_like "this month last under the bars" " $(date +%m)\$"
tui_see "the same sales in the months" "合计：2 笔，208.20 kWh，110.00 元"
tui_keys Left Tab Right
tui_see "kWh instead of money" "每日电量(kWh)"
tui_keys Tab Right Right Right Right Enter
tui_see "an area without sales: 园区B" "这段时间没有售电。"
tui_see "its totals" "合计：0 笔，0.00 kWh，0.00 元"
tui_keys Left Left Enter
tui_see "园区A (the account's area) has them all" "合计：2 笔，208.20 kWh，110.00 元"
tui_keys Left Left Tab
tui_type bclerk
tui_keys Enter
tui_see "an operator who sold nothing" "全部区域，操作员 bclerk"
tui_see "  nothing" "合计：0 笔"
tui_keys C-u Enter
tui_see "everyone's again" "合计：2 笔"
tui_keys F8
tui_wait "导出为 CSV 文件" && tui_keys C-u && tui_type "$T/chart.csv" && tui_keys Enter
tui_see "the series exported" "已导出"
ok "the CSV has a row per day and the totals" grep -q "^合计,2,208.20,110.00" "$T/chart.csv"
is "30 days and the totals under the header" "$(wc -l <"$T/chart.csv")" 32
ok "the big day in the CSV" grep -q "^$(date -d '3 days ago' +%F),1,.*,100.00" "$T/chart.csv"

# --- 异常情况查询 ---------------------------------------------------------------------------
menu_second_last 6
tui_see "the anomaly screen" "购电未装入电表"
tui_keys Right
tui_see "no purchase for days: the INI's 60 days" "天数 60"
tui_keys F3
tui_like "张四, 90 days without a purchase, with their area" "10000003 +张四 +10000003 +园区B .* 90"
tui_see "one found" "共 1 条"
tui_keys Tab Tab C-u
tui_type 0
tui_keys F3
tui_see "a threshold of 0 is refused" "天数 必须是 1 到 3650 之间的整数"
tui_keys C-u
tui_type 100
tui_keys F3
tui_see "100 days: nobody" "没有找到符合条件的记录。"
tui_keys C-u
tui_type 30
tui_keys F3
tui_see "30 days: 张四 again" "共 1 条"
tui_keys F8
tui_wait "导出为 CSV 文件" && tui_keys C-u && tui_type "$T/anom.csv" && tui_keys Enter
tui_see "exported" "已导出 1 行"
ok "the CSV names the account's area" grep -q "^10000003,张四,10000003,园区B," "$T/anom.csv"
tui_keys Tab BTab Right
tui_see "the reports are listed by the core's kinds" "电表累计值倒退"
unlike "  without a threshold of days" "$(tui_screen)" "天数 30"
tui_keys Right Right Right
tui_see "the PSC report by its name" "卡片被试过错误密码"
tui_keys F3
tui_like "赵六's card with 1 try left" "10000004 +赵六 +20240001 +园区A .*剩1次，第2次购电"

# --- 区域统计 --------------------------------------------------------------------------------
menu_last 6
tui_see "the breakdown screen, today's figures at once" "全部区域，$(date +%F) 00:00 - $(date +%F) 23:59"
tui_like "园区A: 2 accounts, today's sale of 10 yuan, 赵六's balance" \
    "^  园区A +2 +1 +18\.92 +10\.00 +208\.20 +0\.00$"
tui_like "园区B: 2 accounts, nothing sold" "^  园区B +2 +0 +0\.00 +0\.00 +0\.00 +0\.00$"
tui_like "the site's total under the list" "^  合计 +4 +1 +18\.92 +10\.00 +208\.20 +0\.00$"
tui_keys Enter
tui_see "Enter goes into 园区A" "园区A，$(date +%F)"
tui_like "  its 1栋 with 张三" "^  1栋 +1 +0 +0\.00 +0\.00 +0\.00 +0\.00$"
tui_like "  赵六, directly in 园区A, on a row of their own" "^  （园区A本身） +1 +1 +18\.92 +10\.00 +208\.20"
tui_like "  园区A's total" "^  合计 +2 +1 +18\.92 +10\.00 +208\.20 +0\.00$"
tui_keys Enter
tui_see "Enter on 1栋 (nothing below it): its figures" "┌ 园区A/1栋 ─"
tui_like "  with the balance in yuan" "│  余额\(元\) +0\.00 "
tui_keys Escape
tui_keys BSpace
tui_see "Backspace: the level above, the whole site" "（全站），$(date +%F)"
tui_keys Tab Down Down
tui_type "$(date -d '3 days ago' +%F)"; tui_keys Down; tui_type "$(date +%F)"
tui_keys F3
tui_see "a period of four days" "（全站），$(date -d '3 days ago' +%F) 00:00 - $(date +%F) 23:59"
tui_like "  园区A's two sales, 110 yuan" "^  园区A +2 +2 +208\.20 +110\.00 +208\.20 +0\.00$"
tui_keys Tab Up Up
tui_type bclerk
tui_keys F3
tui_see "one operator's sales" "操作员 bclerk"
tui_like "  bclerk sold nothing; the balances stay" "^  合计 +4 +0 +0\.00 +0\.00 +208\.20 +0\.00$"
tui_keys Tab C-u F3
tui_like "everyone's again" "^  合计 +4 +2 +208\.20 +110\.00 +208\.20"
tui_keys F8
tui_wait "导出为 CSV 文件" && tui_keys C-u && tui_type "$T/areas.csv" && tui_keys Enter
tui_see "exported" "已导出 3 行"
ok "the CSV: the areas, then the total, with the balance in yuan" \
    grep -q "^合计,4,2,208.20,110.00,0.00,208.20,[0-9.]*,0.00" "$T/areas.csv"
tui_keys F1
tui_see "F1: how the screen is read" "直接属于所选区域的用户单列一行"
tui_keys Escape
# --- 用户信息查询: areas, the search box ---------------------------------------------------
tui_menu 6 1
tui_see "customer query screen with the search box" "[ ] 查找"
tui_keys F3
tui_like "the area of each account" "10000001 +张三 +10000001 +园区A/1栋"
tui_keys Tab Down Down Down Down Down Down Down Down
tui_type zs
tui_keys F3
tui_see "pinyin initials zs: 张三, 张四, 张三丰" "共 3 条"
tui_like "  张三丰 among them" "10000002 +张三丰"
unlike "  not 赵六" "$(tui_screen)" "赵六"
tui_keys Tab
tui_type f
tui_keys F3
tui_see "zsf: 张三丰 alone" "共 1 条"
tui_keys Tab Tab Space Tab Right Right F3
tui_like "an area filter: 园区A/1栋" "\[x\] 区域 +< 园区A/1栋 >"
tui_keys Tab Up C-u F3
tui_see "the area alone: 张三" "共 1 户"

# --- F3 where an account is chosen: 用户过户 ------------------------------------------------
tui_menu 5 1
tui_keys F3
tui_wait "拼音首字母"
tui_type zs
tui_keys Enter
tui_see "several matches: a list to choose from" "选择用户"
tui_like "  with the area" "10000003 +张四 +10000003 +园区B"
tui_keys Down Enter
tui_see "the one chosen is the screen's" "10000003"
tui_keys F3
tui_wait "拼音首字母"
tui_type 13800000002
tui_keys Enter
tui_like "a phone finds 张三丰 at once" "张三丰"
# the new owner of 赵六's account lives in 园区A/1栋: the transfer moves the account there
tui_keys F3
tui_wait "拼音首字母"
tui_type 10000004
tui_keys Enter
tui_like "赵六's account, in 园区A" "区域 +< 园区A >"
tui_type 钱七
tui_keys Tab Tab Tab Right Enter
tui_wait "过户给" && tui_keys Enter
tui_see "transferred" "已过户给 钱七"
is "  the new owner in 园区A/1栋" \
    "$(db "select c.name, a.name from customers c join areas a on a.id = c.area_id where c.meter_no = 20240001")" "钱七|1栋"

# --- 区域设置 --------------------------------------------------------------------------------
menu_last 1
tui_see "the area tree" "（全站）"
tui_like "  with the accounts in each and below" "1栋 +2 +#3"
tui_keys Down Down Down F5
tui_wait "在 园区B 下新建区域"
tui_type 2栋
tui_keys Enter
tui_see "an area added" "已添加区域 园区B/2栋。"
is "  in the database" "$(admin area list --format csv | grep -c '园区B/2栋')" 1
tui_keys Enter
tui_wait "改名或移动区域"
tui_keys C-u
tui_type 二栋
tui_keys Enter
tui_see "renamed" "区域已保存：园区B/二栋。"
tui_keys Up Up Up Enter
tui_wait "改名或移动区域"
tui_keys Tab Right
tui_keys Enter
tui_see "园区A under its own 1栋: refused" "那会形成循环"
tui_keys Enter
is "  nothing moved" "$(admin area list --format csv | grep -c ',园区A/1栋,')" 1
tui_keys F6
tui_wait "删除区域 园区A？" && tui_keys Enter
tui_see "an area with accounts is not deleted" "请先把它们移"
tui_keys Enter
tui_keys Down Down Down F6
tui_wait "删除区域 园区B/二栋？" && tui_keys Enter
tui_see "an empty area is deleted" "区域已删除。"

# --- 操作员维护: an operator's areas ----------------------------------------------------------
tui_menu 1 5
tui_like "bclerk is limited to 园区B" "bclerk +售电员 +园区B"
tui_keys Down Enter
tui_like "  the form lists their areas" "限定区域 +园区B$"
tui_keys Down Down Down
tui_like "  the area to add or remove starts at their first" "增减区域 +< 园区B >"
tui_see "  its keys under it" "Ins：加入所选区域"
tui_keys Left IC
tui_see "Ins adds 园区A/1栋 to the list" "园区A/1栋 已加入列表"
tui_like "  both in the form" "限定区域 +园区B；园区A/1栋$"
is "  nothing written before Save" "$(admin operator scope --name bclerk | grep -c '园区A/1栋')" 0
tui_keys IC
tui_see "  twice is refused" "园区A/1栋 已在列表中"
tui_keys Enter
tui_see "saved" "操作员 bclerk 已保存"
is "  the scope is both areas now" "$(admin operator scope --name bclerk | grep -o '园区[AB][^ ]*' | sort | tr '\n' ' ')" "园区A/1栋 园区B "
tui_like "  the list says two (the first by the tree's order)" "bclerk +售电员 +园区A/1栋 等 1 个"
tui_keys Enter Down Down Down
tui_keys Left DC
tui_see "Del of an area not in the list" "园区A 不在列表中"
tui_keys Right Right DC
tui_like "Del takes 园区B out" "限定区域 +园区A/1栋$"
tui_keys Enter
tui_wait "操作员 bclerk 已保存"
is "  园区A/1栋 alone" "$(admin operator scope --name bclerk | grep -o '园区[AB][^ ]*' | tr '\n' ' ')" "园区A/1栋 "
tui_keys Enter Down Down Down Right IC Left DC Enter
tui_wait "操作员 bclerk 已保存"
is "  and back to 园区B alone" "$(admin operator scope --name bclerk | grep -o '园区[AB][^ ]*' | tr '\n' ' ')" "园区B "
tui_keys F1
tui_see "F1: the keys of the areas" "增减区域：←、→ 或输入字符选择区域；Ins 加入列表"
tui_keys Escape

# --- 挂失: a card reported lost without a reissue, and found again -----------------------------
tui_menu 5 5
tui_see "the lost-card screen, the blacklist empty" "黑名单是空的"
tui_keys Enter
tui_see "Enter without an account" "请先查询用户（F3）"
tui_keys F3
tui_wait "拼音首字母"
tui_type 10000004
tui_keys Enter
tui_like "钱七's account" "10000004 +钱七"
tui_keys Enter
tui_wait "挂失用户 10000004 钱七 的卡？" && tui_keys Enter
tui_see "reported lost" "用户 10000004 的卡已挂失，列入黑名单。"
tui_like "  on the blacklist shown" "10000004 +钱七 +已挂失 +$(date +%F)"
is "  and on the command line's" "$(admin card blacklist --format csv | grep -c ',lost,.*,10000004,')" 1
ok "  the card is refused at the counter" sh -c "! echo 1 | '$KWHPOS' -c '$T/cli.ini' --user system card read >/dev/null 2>&1"
tui_keys F6
tui_wait "用户 10000004 钱七 的卡已找回：移出黑名单？" && tui_keys Enter
tui_see "found again: off the list" "用户 10000004 的卡已移出黑名单。"
tui_see "  the list is empty again" "黑名单是空的"
is "  and off the command line's" "$(admin card blacklist --format csv | grep -c ',10000004,')" 0
tui_keys F1
tui_see "F1: its keys" "F6：挂失的卡找回了"
tui_keys Escape

# --- 用户开户: the area of a new account, among the tree ---------------------------------------
tui_menu 2 1
tui_like "用户开户 has the area, the top first" "区域 +< （全站） >"
tui_keys BTab Right Right
tui_like "  and the tree's areas to choose" "区域 +< 园区A/1栋 >"
tui_type 园
tui_like "  a character jumps to the next area starting with it" "区域 +< 园区B >"
tui_type 1
tui_like "  or with a part of its name starting with it" "区域 +< 园区A/1栋 >"

# --- 用户信息维护: the account's area ---------------------------------------------------------
tui_menu 5 3
tui_keys F3
tui_wait "拼音首字母"
tui_type 10000001
tui_keys Enter
tui_like "the account's area in the form" "区域 +< 园区A/1栋 >"

# --- F3's list a page at a time: 120 accounts in 三号楼 ------------------------------------------
{
    echo "name,meter,tariff,address,area"
    for i in $(seq 1 120); do printf '住户%d,%08d,1,三号楼%d室,园区A/1栋\n' "$i" $((30000000 + i)) "$i"; done
} >"$T/many.csv"
admin import customers "$T/many.csv" >/dev/null
tui_keys F3
tui_wait "拼音首字母"
tui_type 三号楼
tui_keys Enter
tui_see "a page of 100, more after it" "查找“三号楼”：第 1 页，100 户，下一页还有（PgDn）"
tui_keys PgDn PgDn PgDn PgDn PgDn PgDn PgDn PgDn PgDn PgDn
tui_see "PgDn past the last row: the next page" "查找“三号楼”：第 2 页，20 户"
tui_keys PgUp PgUp PgUp PgUp PgUp
tui_see "PgUp before the first: the page before" "第 1 页，100 户"
tui_keys F1
tui_see "F1 in the list: its keys" "在最后一行按 PgDn：下一页"
tui_keys Enter
tui_wait "选择用户"
tui_keys Escape
tui_see "Esc: none chosen" "没有选择用户。"

# --- 交班 with its area filter: the whole, then 园区A's part, then 园区B's (none) -----------
tui_menu 6 8
tui_wait "实点现金(元)" && tui_type "110" && tui_keys Enter
tui_wait "确认交班" && tui_keys Enter
tui_see "the report after the close" "应有现金"
tui_like "the area filter beside it: the whole first" "区域（←/→）： *$"
tui_like "  全部区域" "< 全部区域 > *$"
tui_like "the whole: the opening and the sale" "^ *开户购电 +1 +100\.00 "
tui_like "  exact" "差额 +0\.00 相符"
tui_keys Right Right
tui_like "Right: 园区A" "< 园区A > *$"
tui_like "  its part: the opening and the sale" "^ *日常售电 +1 +10\.00 "
tui_see "  the count is the whole drawer's" "实点现金与差额为"
tui_keys Right Right
tui_like "园区B" "< 园区B > *$"
tui_like "  none of them there" "^ *开户购电 +0 +0\.00 "
tui_like "  the money in is 园区B's: none" "收入合计 +0\.00"
tui_keys F1
tui_see "F1: the area keys" "←、→ 选择区域"
tui_keys Enter
tui_keys Enter
tui_stop

# --- an operator limited to 园区B ------------------------------------------------------------
tui_start
tui_login bclerk clerk-pw-1
tui_wait "F9"
tui_menu 6 1
tui_keys F3
tui_see "their accounts only" "共 2 户"
unlike "  not 张三 of 园区A/1栋" "$(tui_screen)" "园区A"
tui_menu 6 0
tui_see "the chart of their areas" "每日金额(元)"
tui_see "  without 园区A's sales" "合计：0 笔"
tui_keys Tab Tab Right
tui_like "  the areas to choose are theirs" "< 园区B >"
tui_keys Right
tui_like "  and only theirs" "< 全部区域 >"
menu_last 6
tui_like "区域统计: their area at the top, alone" "^  园区B +2 +0 +0\.00 +0\.00 +0\.00 +0\.00$"
unlike "  nothing of 园区A" "$(tui_screen)" "园区A"
tui_like "  the total is theirs" "^  合计 +2 +0 "
tui_menu 2 1
tui_like "用户开户 opens in their area" "区域 +< 园区B >"
tui_menu 5 1
tui_keys F3
tui_wait "拼音首字母"
tui_type zs
tui_keys Enter
tui_see "the search lists their accounts" "查找“zs”：第 1 页，2 户"
unlike "  not 张三" "$(tui_screen)" "园区A"
tui_keys Escape
tui_menu 6 8
tui_wait "实点现金(元)" && tui_type "0" && tui_keys Enter
tui_wait "确认交班" && tui_keys Enter
tui_see "交班: the report after the close" "应有现金"
tui_like "  their area, not the whole" "< 园区B > *$"
unlike "  no 全部区域" "$(tui_screen)" "全部区域"
tui_keys Right
tui_like "  Right: still theirs alone" "< 园区B > *$"
tui_keys Enter
tui_stop

# --- English ---------------------------------------------------------------------------------
tui_ini "language=en" "backup.interval_hours=0"
tui_start
tui_login system 1
tui_wait "F9"
tui_menu 6 0
tui_see "the chart in English" "Money (yuan) per day"
tui_see "  its totals" "Total: 2 sales, 208.20 kWh, 110.00 yuan"
tui_like "  the same bars" '^ +100\.00│ {52}█$'
menu_second_last 6
tui_see "the anomalies in English" "Purchases not in the meter"
menu_last 6
tui_see "the breakdown in English" "Figures by area"
tui_like "  its columns at 80 columns" "^  Area +Accounts +Sales +kWh sold +Amount +Balance kWh +Arrears$"
tui_like "  园区A in it (with the 120 imported since)" "^  园区A +122 +1 +18\.92 +10\.00 "
tui_menu 5 1
tui_keys F3
tui_wait "initials"
tui_type zs
tui_keys Enter
tui_see "the list in English" "Choose the customer"
tui_keys Escape
menu_last 1
tui_see "the area tree in English" "(whole site)"
tui_stop

unlike "no sanitizer report, no error on stderr" "$(cat "$T/ui.err")" "ERROR|runtime error|[Ee]rror:"
done_testing
