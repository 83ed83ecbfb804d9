#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# 对账 (数据查询) and 冲正申请 (购电维护) through the TUI: a WeChat statement matched with
# the ledger (the four groups counted, the rows listed, only the differences, export);
# the statement chosen with F4 from a folder's list (folders first, only statement files,
# Backspace up, a letter jumps), the folder remembered for the station, F1, English;
# a reversal filed on the 冲正 screen to be approved later, refused to its own requester,
# approved by another administrator with their password; 读卡退电 of an overdrawn meter
# left unpaid, which becomes the account's arrears.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tui_lib.sh"
export TZ=Asia/Shanghai

R1=4200000000000000001 R5=4200000000000000005
tui_site || { echo "not ok - site"; exit 1; }
sim eject >/dev/null && sim new-card c1 >/dev/null && sim insert c1 >/dev/null &&
    sim new-meter 20240001 >/dev/null
tui_ini "language=zh_CN" "reconcile_wechat.dir=$T/stmts"
db "update operators set must_change=0 where name='system'" >/dev/null
printf '1\nboss-pass-1\nboss-pass-1\n' |
    "$KWHPOS" -c "$TUI_INI" --user system operator add --name boss --role admin >/dev/null
db "update operators set must_change=0 where name='boss'" >/dev/null
echo 1 | "$KWHPOS" -c "$TUI_INI" --user system open --name 李四 --meter 20240001 \
    --tariff 居民生活用电 --amount 50 --pay wechat --ref $R1 >/dev/null
ok "a WeChat opening of 50.00" test "$(db "select amount_fen || ' ' || pay_ref from sales")" = "5000 $R1"
INV=$(db "select invoice_no from sales")
# a second account whose meter runs 3 kWh into its overdraft, then its refund card
M2=22334455
sim eject >/dev/null && sim new-meter $M2 >/dev/null && sim new-card b1 >/dev/null && sim insert b1 >/dev/null
echo 1 | "$KWHPOS" -c "$TUI_INI" --user system open --name 王五 --meter $M2 --tariff 居民生活用电 \
    --kwh 10 --overdraft 5 >/dev/null
B=$(db "select customer_no from customers where name = '王五'")
sim eject >/dev/null
sim meter-insert $M2 b1 >/dev/null; sim use $M2 --kwh 12 >/dev/null
sim meter-insert $M2 b1 >/dev/null; sim use $M2 --kwh 3 >/dev/null
sim meter-insert $M2 b1 >/dev/null
sim insert b1 >/dev/null
echo 1 | "$KWHPOS" -c "$TUI_INI" --user system refund-card --customer "$B" >/dev/null
sim eject >/dev/null; sim meter-insert $M2 b1 >/dev/null; sim insert b1 >/dev/null
today=$(date +%Y-%m-%d)
printf '交易时间,交易单号,金额\n%s 09:00:00,%s,50.00\n%s 10:00:00,%s,8.00\n' \
    "$today" $R1 "$today" $R5 >"$T/wx.csv"

tui_start
tui_login system 1
tui_see "logged in" "按 F9 或 Enter 打开菜单"
tui_menu 6 9
tui_see "the reconciliation screen" "对账单文件"
tui_keys Tab; tui_type "$T/wx.csv"; tui_keys F3
tui_like "the groups counted" "相符 1，仅对账单有 1，仅账目有 0，金额不符 0"
tui_like "the payment matched" "相符 +$R1"
tui_like "the unknown payment" "仅对账单有 +$R5 .* 8\.00"
tui_keys Tab Tab Space F3
tui_like "only the differences" "仅对账单有 +$R5"
unlike "the matched one hidden" "$(tui_screen | sed -n '6,20p')" "相符 +$R1"
tui_keys Escape

# --- the statement file from a folder's list (F4) ----------------------------------------
mkdir -p "$T/stmts/2026-12" "$T/stmts/归档"
cp "$T/wx.csv" "$T/stmts/2026-12/wx.csv"
echo x >"$T/stmts/notes.pdf"; echo x >"$T/stmts/.hidden.csv"; echo x >"$T/stmts/2026-12/a.csv"
printf '交易时间,交易单号,金额\n' >"$T/stmts/empty.csv"
tui_menu 6 9
tui_see "the reconciliation screen again" "对账单文件"
tui_like "F4 offered" "F4选择文件"
tui_keys F4
tui_see "the INI's folder listed" "文件夹：$T/stmts"
tui_see "the list drawn" "empty.csv"
like "the way up first, then the folders, then the files" "$(tui_screen | tr '\n' ' ')" \
    "\.\./ +\(上一级文件夹\) .*2026-12/ .*归档/ .*empty\.csv"
unlike "no other files, nothing hidden" "$(tui_screen)" "notes.pdf|hidden"
tui_keys Down Enter
tui_see "into the month's folder" "文件夹：$T/stmts/2026-12"
tui_see "its statement" "wx.csv"
tui_keys BSpace
tui_see "Backspace: the folder above" "empty.csv"
tui_keys Enter
tui_see "the folder it came from is selected" "文件夹：$T/stmts/2026-12"
tui_keys F1
tui_see "F1 says the list's keys" "退格键、左，或在 ../ 上按 Enter：上一级文件夹"
tui_keys Enter
tui_keys w
tui_like "a letter jumps to wx.csv" "Enter选定此文件"
tui_keys Enter
tui_see "the file chosen" "已选定对账单文件"
tui_like "its path in the form" "对账单文件 .*stmts/2026-12/wx\.csv"
tui_keys F3
tui_like "matched as when typed" "相符 1，仅对账单有 1，仅账目有 0，金额不符 0"
ok "the folder kept for the station" grep -qxF "dir = $T/stmts/2026-12" "$T/station.ini"
tui_keys Escape
tui_menu 6 9
tui_keys F4
tui_see "F4 opens where the last statement was chosen" "文件夹：$T/stmts/2026-12"
tui_keys Escape
tui_see "Esc: back to the form" "对账单文件"
tui_keys Escape

# --- 冲正, filed to be approved later ---------------------------------------------------
tui_menu 4 4
tui_see "the reversal screen" "请管理员稍后批准"
tui_type "$INV"; tui_keys Tab; tui_type "顾客未付款"; tui_keys Tab Tab Tab Tab Space
unlike "no password asked for a request" "$(tui_screen)" "管理员密码"
tui_keys Enter
tui_see "the request is filed" "已提交" 10
is "waiting in the database" "$(db "select state || ' ' || reason from reversals")" "0 顾客未付款"
tui_menu 4 5
tui_see "the requests screen" "冲正申请"
tui_like "the request listed" "待批 .*system .*$INV"
tui_keys Enter
tui_see "its details" "现在处理？"
tui_keys Enter
tui_see "the decision" "您的密码(批准时)"
tui_type "1"; tui_keys Enter
tui_see "its requester may not approve it" "申请人以外的另一人批准" 10
tui_keys Enter
is "still waiting" "$(db "select state from reversals")" 0
tui_stop

tui_start
tui_login boss boss-pass-1
tui_see "boss logged in" "按 F9 或 Enter 打开菜单"
tui_menu 4 5
tui_like "boss sees the request" "待批 .*system .*$INV"
tui_keys Enter
tui_see "its details" "现在处理？"
tui_keys Enter
tui_see "the decision" "您的密码(批准时)"
tui_type "boss-pass-1"; tui_keys Enter
tui_see "approved" "已批准" 10
is "the request approved" "$(db "select state from reversals")" 1
is "the reversal made in system's name" \
    "$(db "select o.name || ' ' || s.amount_fen from sales s join operators o on o.id = s.operator_id where s.kind = 11")" "system -5000"

# --- 读卡退电 of the overdrawn meter, left unpaid ----------------------------------------
tui_menu 4 2
tui_see "the refund screen" "读卡退电"
tui_keys F2
tui_like "the overdraft owed" "退电金额\(元\) +-1\.59"
tui_see "it may be left unpaid" "现在不付"
tui_keys Tab Space Enter
tui_see "the question says so" "所欠 1.59 元记为该用户的欠费"
tui_keys Enter
tui_see "asked to close the account" "销户" 10
tui_keys Escape
is "owed as arrears, nothing taken in" \
    "$(db "select c.arrears_fen || ' ' || s.amount_fen from customers c join sales s on s.customer_id = c.id where c.customer_no = $B and s.kind = 6")" "159 0"
tui_stop

# --- English --------------------------------------------------------------------------
tui_ini "language=en" "reconcile_wechat.dir=$T/stmts"
tui_start
tui_login system 1
tui_see "logged in (English)" "F9"
tui_menu 6 9
tui_see "the reconciliation screen (English)" "Statement file"
tui_keys F4
tui_see "the station's folder over the INI's" "Folder: $T/stmts/2026-12"
tui_see "the way up" "../  (the folder above)"
tui_keys BSpace
tui_see "up to the statements" "empty.csv"
tui_keys Escape Escape
tui_stop
done_testing
