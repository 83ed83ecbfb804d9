#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# 数据查询 in the TUI on accounts and sales made through the command line and the
# simulator: 用户信息查询 with its filter boxes and export, 购电电量查询 (period list,
# daily report, operator filter), 过户 and 销户查询, and 交班 with a blind count. Each
# figure is checked against the database.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tui_lib.sh"

tui_site || { echo "not ok - site"; exit 1; }
sim_start || { echo "not ok - kwhsim serve"; exit 1; }
printf '[database]\npath = %s\n[reader]\nport = %s\n' "$TUI_DB" "$TUI_SIM/reader" >"$T/cli.ini"
k() { "$KWHPOS" -c "$T/cli.ini" "$@"; }
admin() { echo 1 | k --user system "$@"; }
clerk() { echo clerk-pw-1 | k --user clerk "$@"; }
db "update operators set must_change=0 where name='system'" >/dev/null
printf '1\nclerk-pw-1\nclerk-pw-1\n' | k --user system operator add --name clerk --role seller >/dev/null
db "update operators set must_change=0" >/dev/null
printf 'name,meter,tariff,address\n张三,10000001,1,一号楼101\n李四,10000002,1,一号楼102\n王五,10000003,2,二号楼201\n' >"$T/c.csv"
admin import customers "$T/c.csv" >/dev/null
admin transfer --customer 10000002 --name 李四新 >/dev/null
admin close --customer 10000003 >/dev/null
# an account with a card: opening (system, cash), a sale (clerk, cash), a sale (system, wechat)
sim new-card c1 >/dev/null && sim insert c1 >/dev/null && sim new-meter 20240001 >/dev/null
load() { sim eject >/dev/null; sim meter-insert 20240001 c1 >/dev/null; sim insert c1 >/dev/null; }
admin open --name 赵六 --meter 20240001 --tariff 1 --amount 100 >/dev/null && load
clerk sell --customer 10000004 --amount 50 >/dev/null && load
admin sell --customer 10000004 --kwh 20 --pay wechat >/dev/null
is "the sales are made" "$(db "select count(*), sum(amount_fen) from sales where state = 1")" "3|16057"

tui_ini "language=zh_CN" "backup.interval_hours=0"
tui_start
tui_login system 1
tui_wait "F9"

# --- M20 用户信息查询 -------------------------------------------------------------------
tui_menu 6 1
tui_see "customer query screen" "最近购电从"
tui_keys F3
tui_see "no filter: every account that is not closed" "共 3 户"
unlike "a closed account is left out" "$(tui_screen)" "王五"
tui_keys Tab Down Down
tui_type "张"
tui_see "typing a name ticks its box" "[x] 姓名"
tui_keys F3
tui_see "the name filter finds the account" "共 1 户"
unlike "and only that one" "$(tui_screen)" "赵六"
tui_keys Enter
tui_see "Enter shows the account" "一号楼101"
tui_keys Enter
tui_keys F8
tui_wait "导出为 CSV 文件" && tui_keys C-u && tui_type "$T/cust.csv" && tui_keys Tab Right Enter
tui_see "exported" "已导出 1 行"
ok "the CSV is GB18030 with the screen's columns" \
    grep -q "用户编号,姓名,住址" <(iconv -f GB18030 -t UTF-8 "$T/cust.csv")
ok "and the account" grep -q "10000001,张三,一号楼101" <(iconv -f GB18030 -t UTF-8 "$T/cust.csv")
tui_keys Tab BTab Space
tui_see "Space on the box clears it" "[ ] 姓名"
tui_keys Down Down Down Down Down Space F3
tui_see "closed accounts too" "共 4 户"
# a meter number filter is a whole meter number
tui_menu 6 1
tui_see "customer query again" "最近购电从"
tui_keys Tab
tui_type "2024000"
tui_see "typed in the meter number's field" "[x] 表号     2024000"
tui_keys F3
tui_see "a 7-digit meter number is refused" "表号 必须是 8 位数字"
tui_type "1"
tui_keys F3
tui_see "8 digits find the account" "共 1 户"
tui_like "the one on meter 20240001" "赵六"

# --- M21 购电电量查询 -------------------------------------------------------------------
tui_menu 6 2
tui_see "purchase query screen" "时段明细"
tui_keys F3
tui_see "no filter: today's purchases" "合计 3 笔"
tui_like "with the total of the database" "合计 3 笔 .* 160\.57"
tui_keys Tab Up Right F3
tui_see "daily report" "$(date +%F)"
tui_like "a row for today with its total" "$(date +%F) +3 .*160\.57"
tui_keys Tab Left Down Down Down
tui_type clerk
tui_keys F3
tui_see "operator filter" "合计 1 笔"
tui_like "only the clerk's sale" "日常售电 +94\.64 +50\.00 clerk"
# a period to the minute: the field shows the time whole, and "to" includes its minute
last=$(date -d "@$(db "select max(created) from sales")" "+%F %H:%M")
tui_menu 6 2
tui_see "purchase query again" "时段明细"
tui_type "$last"; tui_keys Down; tui_type "$last"
tui_see "the date field shows the time whole" "[x] 日期从 $last"
tui_keys F3
tui_like "from and to the same minute: that minute's sales" "合计 [1-3] 笔"
tui_like "the period shown ends with the minute typed" "$last 至 $last "

# --- M22, M23 过户查询, 销户查询 --------------------------------------------------------
tui_menu 6 3
tui_see "transfer query screen" "过户查询"
tui_keys F3
tui_see "the transfer of today" "李四新"
tui_keys Enter
tui_see "Enter shows before and after, in words" "姓名 李四；住址"
unlike "no internal keys" "$(tui_screen)" "name=|address="
tui_keys Enter
tui_menu 6 4
tui_see "closing query screen" "销户查询"
tui_keys F3
tui_see "the closing of today" "王五"
tui_keys Enter
tui_see "the closing in words: the status before" "状态 正常；余额(kWh) 0.00；表号"
tui_see "and after" "状态 已销户"
unlike "no internal keys in the closing" "$(tui_screen)" "status=|balance="
tui_keys Enter
tui_stop

# --- B7 交班 by the clerk, with a blind count ---------------------------------------------
# the audit chain's anchor goes where [audit] anchors says
tui_ini "language=zh_CN" "backup.interval_hours=0" "audit.anchors=$T/anchors/kwh.log"
mkdir -p "$T/anchors"
# a fee type, and a sale of the clerk that pays it: 10.00 = 2.00 service fee + 8.00 energy
admin fee add --name 服务费 --kind sale --amount 2 >/dev/null
load
clerk sell --customer 10000004 --amount 10 >/dev/null && load
is "the clerk's sale paid the fee" "$(db "select fee_fen from sales where id = (select max(id) from sales)")" 200
tui_start
tui_login clerk clerk-pw-1
tui_wait "F9"
tui_menu 6 8
tui_see "shift screen asks for the count first" "实点现金(元)"
unlike "without showing the expected cash" "$(tui_screen)" "应有现金 +[0-9]"
tui_type "50"; tui_keys Enter
tui_wait "确认交班" && tui_keys Enter
tui_see "the report after the count" "应有现金"
tui_like "shows the difference: short by 10" "差额 +-10\.00 短款"
anchor=$(tail -n 1 "$T/anchors/kwh.log" 2>&1)
like "the close's anchor is written to the file [audit] anchors names" "$anchor" \
    "kwhpos audit anchor: site=[0-9a-f]{16} records=[0-9]+ head=[0-9a-f]{64} event=shift-close$"
ok "not to the default file beside the database" test ! -e "$T/audit-anchors.log"
records=$(printf '%s' "$anchor" | sed -n 's/.* records=\([0-9]*\) .*/\1/p')
head16=$(printf '%s' "$anchor" | sed -n 's/.* head=\([0-9a-f]\{16\}\).*/\1/p')
tui_see "the report shows the anchor (beside the table of operations)" "审计锚点"
tui_like "its record count" "审计锚点：$records|^.{60,} $records 条记录"
tui_see "and its head" "$head16"
tui_like "the voided and pending writes, on the screen's last row" \
    "^ +作废 0 笔（未写卡，不收款）；未确定 0 笔（请读这些卡）。"
# each row its own label: the meter changes done, not the name of their query screen
tui_like "the shift's meter change row reads 换表" "^ *换表 +[0-9]"
unlike "not 换表查询" "$(tui_screen)" "换表查询"
# F4: the money per fee type in place of the lines, and back
tui_like "F4 is offered once the report is there" "F4 ?费用"
tui_keys F4
tui_see "F4 shows the fee types" "费用类型"
tui_like "the service fee: one sale, 2.00" "^ *服务费 +1 +2\.00"
unlike "in place of the lines" "$(tui_screen)" "重新售电"
tui_keys F1
tui_see "F1 says how to go back" "F4：回到按业务列出的各行"
tui_keys Enter
tui_keys F4
tui_like "F4 again: the lines" "^ *换表 +[0-9]"
tui_keys F8
tui_wait "导出为 CSV 文件" && tui_keys C-u && tui_type "$T/shift.csv" && tui_keys Tab Right Enter
tui_see "the shift report exported" "已导出"
ok "the export has a row per fee type, its money in the fees column" \
    grep -q "费用：服务费,1,,2\.00," <(iconv -f GB18030 -t UTF-8 "$T/shift.csv")
# the reader screen's field is the port, not the screen's name (the seller may see it)
tui_menu 1 1
tui_see "reader screen: its title is the manual's name" "通讯参数设置"
tui_like "reader screen: the reader field is labelled 读卡器" "^ *读卡器 +<"
tui_like "reader screen: the port field is labelled 串口" "^ *串口 "
is "the shift is closed with the count" \
    "$(db "select expected_cash_fen, counted_cash_fen from shifts s join operators o on o.id = s.operator_id where o.name = 'clerk'")" "6000|5000"
tui_stop

# --- English ----------------------------------------------------------------------------
tui_ini "language=en" "backup.interval_hours=0"
tui_start
tui_login system 1
tui_wait "F9"
tui_menu 6 1
tui_see "en: customer query screen" "Last sale from"
tui_keys F3
tui_see "en: totals" "3 accounts"
tui_menu 6 2
tui_keys F3
tui_see "en: purchases (the clerk's sale with the fee among them)" "Total 4"
tui_stop
done_testing
