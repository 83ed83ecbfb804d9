#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The card workflows through the TUI on kwhsim's reader and meters: open account, the
# card into the meter, daily sale by amount and by kWh, re-sale, balance. Each step is
# checked on the screen, in the database and on the meter.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tui_lib.sh"

tui_site || { echo "not ok - site"; exit 1; }
sim_start || { echo "not ok - kwhsim serve"; exit 1; }
# this suite's one card is c1 (the simulator panel lists the card files)
sim eject >/dev/null && rm -f "$TUI_SIM/c0.card"
sim new-card c1 >/dev/null && sim insert c1 >/dev/null && sim new-meter 20240001 >/dev/null
tui_ini "language=zh_CN"
db "update operators set must_change=0 where name='system'" >/dev/null
tui_start
tui_login system 1
tui_see "logged in" "按 F9 或 Enter 打开菜单"

# --- open account (M10) with a first purchase of 100 yuan --------------------------------
tui_menu 2 1
tui_see "open account screen" "用户开户购电"
tui_type "李四"; tui_keys Tab; tui_type "一号楼101"; tui_keys Tab; tui_type "13800000000"
tui_keys Tab Tab Tab; tui_type "100"; tui_keys Tab Tab Tab; tui_type "20240001"
tui_keys Enter
tui_see "open: confirmation panel" "写读卡器中的白卡？"
tui_like "open: the confirmation shows the energy" "电量\(kWh\) +189\.28"
tui_like "open: and the amount" "金额\(元\) +100\.00"
tui_keys Enter
tui_see "open: receipt" "开户成功" 20
tui_keys Enter
is "open: account in the database" "$(db "select name, meter_no, status from customers")" "李四|20240001|1"
is "open: sale of 100 yuan" "$(db "select kind, state, amount_fen from sales")" "1|1|10000"
# slot: type 01 (user), area 12 34 56, meter 20240001 = 0x0134d681, customer 10000001
like "open: the card is a user card for the meter" "$(card_slot c1)" '^01 12 34 56 01 34 d6 81 00 98 96 81 00 01'


# --- the card into the meter -------------------------------------------------------------
sim eject >/dev/null
like "meter takes the new card" "$(sim meter-insert 20240001 c1 2>&1)" "good"
sim insert c1 >/dev/null

# --- daily sale by amount (M11) ----------------------------------------------------------
tui_menu 3 1
tui_see "daily sale screen" "日常售电"
tui_keys F2
tui_see "sale: card read shows the customer" "李四"
tui_see "sale: last purchase reached the meter" "已消费"
unlike "sale: nothing is cut short after reading the card" "$(tui_screen)" "…"
tui_like "sale: the last purchase shows its amount" "上次购电 .* 100\.00 元"
like "sale: the status line shows the card's meter" "$(tui_status)" "用户卡 表号 20240001"
# the amount's label names the unit and is drawn in the amount's colour, not the labels'
sgr_before() { _tmux capture-pane -e -p -t "$TUI_T" | grep -F -- "$1" | head -n 1 |
    sed "s/$1.*//" | grep -o $'\e\\[[0-9;]*m' | tr -d '\n'; }
label_sgr=$(sgr_before "结算方式")
amount_sgr=$(sgr_before "金额(元)")
ok "sale: the amount's label has its own colour (${amount_sgr//$'\e'/ESC})" \
    test -n "$amount_sgr" -a "$amount_sgr" != "$label_sgr"
# the most the card can take under the hoard limit, said at once (2000 - 100/0.5283 kWh)
tui_like "sale: the room left under the hoard limit" "最多可购 1810\.72 kWh（956\.60 元）；囤积上限 2000\.00 kWh"
# the amount takes digits and one decimal point: anything else beeps, stays out and is said
tui_type "5O"
tui_see "sale: a letter in the amount is refused and said" "金额(元)：只能输入数字和一个小数点"
tui_like "sale: the amount keeps only what was accepted" "金额\(元\) +5 *$"
tui_type ".1.2"
tui_see "sale: a second decimal point is refused" "已经有一个小数点"
tui_type "34"
tui_see "sale: a third decimal is refused" "小数点后最多 2 位"
tui_like "sale: the amount is 5.12" "金额\(元\) +5\.12 *$"
tui_keys C-u; tui_type "1e-5"
tui_like "sale: a sign and an exponent are refused" "金额\(元\) +15 *$"
# over the hoard limit: the message line says what can still be sold, not cut
tui_keys C-u; tui_type "1500"; tui_keys Enter
tui_see "hoard limit: refused" "超过囤积上限：此卡现在最多可购 1810.72 kWh（956.60 元）。"
like "hoard limit: the message line is not cut" "$(tui_screen | sed -n 22p)" "（956\.60 元）。 *$"
tui_keys Enter
tui_keys C-u; tui_type "50"; tui_keys Tab Right Enter
tui_see "sale: confirmation panel" "收款并写卡？"
tui_like "sale: panel shows the tariff" "居民生活用电 0.5283"
tui_keys Enter
tui_see "sale: done" "售电成功" 20
is "sale: 50 yuan by WeChat recorded" "$(db "select kind, state, amount_fen, pay_method from sales order by id desc limit 1")" "2|1|5000|1"
tui_like "sale: the amount is empty again" "金额\(元\) *$"
tui_like "sale: the payment is cash again" "付款方式 < 现金 >"
# another amount without reading the card again is refused: nothing is shown or sold
tui_type "30"; tui_keys Enter
tui_see "sale: the next sale needs the card read again" "请先读用户卡（F2）"
unlike "sale: no confirmation from the old reading" "$(tui_screen)" "收款并写卡|上次购电 无"
is "sale: nothing more sold" "$(db "select count(*) from sales")" 2
tui_keys F7
tui_see "print: not configured yet" "未设置打印"

# --- re-sale (M12): the 50 yuan are not in the meter yet; sell 20 kWh instead -------------
tui_menu 3 2
tui_see "re-sale screen" "重新售电"
tui_keys F2
tui_see "re-sale: shows the sale it cancels" "将取消的售电"
tui_keys F4; tui_type "20"; tui_keys Enter
tui_see "re-sale: confirmation" "确认重新售电"
# 50.00 paid, 20 kWh cost 10.57: the old sale, the new one and the change
tui_like "re-sale: the confirmation shows the old sale" "将取消的售电 +94\.64 kWh, 50\.00 元"
tui_like "re-sale: and the new amount" "新售电金额\(元\) +10\.57"
tui_like "re-sale: and the change to give back" "应退还用户\(元\) +39\.43"
tui_see "re-sale: the question says to give it back" "退还差额并写卡？"
tui_keys Enter
tui_see "re-sale: done, saying the change" "请退还用户 39.43 元" 20
is "re-sale: the old sale is cancelled" "$(db "select state from sales where amount_fen = 5000")" 3
is "re-sale: 20 kWh sold" "$(db "select kind, state, energy_ckwh from sales order by id desc limit 1")" "3|1|2000"

# --- into the meter, then a sale by kWh --------------------------------------------------
sim eject >/dev/null
like "meter loads the re-sale" "$(sim meter-insert 20240001 c1 2>&1)" "good"
# to the daily sale first: the re-sale screen would read the card as it goes in and
# refuse it at once (its purchase is in the meter now)
tui_menu 3 1
tui_see "daily sale again" "日常售电"
sim insert c1 >/dev/null
tui_see "sale by kWh: the card is read as it goes in" "已消费"
tui_keys F2
tui_see "sale by kWh: card read" "已消费"
tui_keys F4; tui_type "12.5"; tui_keys Enter
tui_see "sale by kWh: confirmation" "12.50"
tui_keys Enter
tui_see "sale by kWh: done" "售电成功" 20
is "sale by kWh: 12.50 kWh recorded" "$(db "select energy_ckwh from sales order by id desc limit 1")" 1250

# --- a sale before the last one is in the meter is refused right after the read -----------
# (the last sale was by kWh: the next card read starts by amount again, the site's default)
tui_keys F2
tui_see "sale refused at the read while the last purchase is not in the meter" "操作未完成"
tui_like "saying the last purchase is not in the meter yet" "尚未写入电表"
tui_like "and the way out" "请先把卡插入电表，或用 重新售电"
tui_keys Enter
tui_see "card read again" "未消费"
tui_see "no amount is asked for" "此卡现在不能购电"
tui_like "the settlement is back to by amount after the read" "结算方式 < 按金额 >"
tui_like "the amount is empty after reading the card" "金额\(元\) *$"
tui_type "10"; tui_keys Enter
tui_see "Enter still refuses" "操作未完成"
tui_keys Enter
is "nothing sold after the refusal" "$(db "select count(*) from sales where state = 1")" 3

# --- the card pulled in the middle of a write: put it back, read it, it settles ---------
tui_menu 3 2
tui_keys F2
tui_see "re-sale: card read" "将取消的售电"
sim fault pull 3 >/dev/null
tui_type "8"; tui_keys Enter
tui_wait "确认重新售电" && tui_keys Enter
tui_see "pulled card: the clerk is told to put it back" "请把卡放回读卡器" 20
tui_see "pulled card: one sentence of what happened" "写卡时卡被拔出。"
tui_see "pulled card: one of what to do" "会自动完成或撤销。"
unlike "pulled card: no byte counts" "$(tui_screen)" "字节"
is "pulled card: the advice is said once" "$(tui_screen | grep -o "重新读卡" | wc -l)" 2
tui_keys Enter
sim fault clear >/dev/null; sim insert c1 >/dev/null
tui_keys F2
tui_see "read again: the customer is shown" "李四"
is "nothing is left pending" "$(db "select count(*) from sales where state = 0")" 0

# --- pulled again, and the terminal restarts: logging in settles it (start-up) ----------
tui_keys F2
tui_see "re-sale: card read once more" "将取消的售电"
sim fault pull 3 >/dev/null
tui_type "9"; tui_keys Enter
tui_wait "确认重新售电" && tui_keys Enter
tui_see "pulled again: put the card back" "请把卡放回读卡器" 20
tui_keys Enter
is "the write is pending while the card is out" "$(db "select count(*) from card_ops where state = 0")" 1
tui_stop
sim fault clear >/dev/null; sim insert c1 >/dev/null
tui_start
tui_login system 1
tui_see "after logging in the pending write is settled and said" "号写卡操作" 20
tui_like "as done or cancelled" "已在此卡上完成|未写入此卡，已取消"
is "nothing is pending after the start" "$(db "select count(*) from card_ops where state = 0")" 0

# --- balance (M26) ----------------------------------------------------------------------
tui_menu 6 7
tui_see "balance screen" "统计用户累计余额"
tui_like "balance counts one account" "用户数 +1"
tui_stop

# --- a fee, arrears and a payment reference on the sale screen ----------------------------
sim eject >/dev/null; sim meter-insert 20240001 c1 >/dev/null; sim insert c1 >/dev/null
adm() { echo 1 | "$KWHPOS" --db "$TUI_DB" --user system "$@" >/dev/null; }
ok "money: a service fee" wait_for 20 adm fee add --name 服务费 --kind sale --amount 2
ok "money: arrears" wait_for 20 adm arrears add --customer 10000001 --amount 30 --reason 旧表欠费
ok "money: recovered 10 yuan a sale" wait_for 20 adm arrears rule --fixed 10
printf '1\nboss-pass-1\nboss-pass-1\n' |
    "$KWHPOS" --db "$TUI_DB" --user system operator add --name boss --role admin >/dev/null
tui_start
tui_login system 1
tui_menu 3 1
tui_see "money: daily sale screen" "日常售电"
tui_keys F2
tui_see "money: card read" "已消费"
unlike "money: no reference field for cash" "$(tui_screen)" "流水号"
tui_type "100"; tui_keys Tab Right
tui_see "money: a reference field for WeChat" "流水号"
tui_keys Tab; tui_type "4200001234202612041234567"; tui_keys Enter
tui_see "money: confirmation" "收款并写卡？"
tui_like "money: the fee" "费用\(元\) +服务费 2\.00"
tui_like "money: the arrears recovered and what is still owed" "追缴欠费\(元\) +10\.00（尚欠 20\.00）"
tui_like "money: the total to collect" "应收合计\(元\) +100\.00"
tui_like "money: the reference" "支付流水号 +4200001234202612041234567"
tui_keys Enter
tui_see "money: done" "售电成功" 20
is "money: recorded as shown" \
    "$(db "select amount_fen, fee_fen, arrears_fen, pay_method, pay_ref from sales order by id desc limit 1")" \
    "8800|200|1000|1|4200001234202612041234567"

# --- 冲正 of that sale: it was paid in cash; approved by another administrator ------------
INV=$(db "select invoice_no from sales order by id desc limit 1")
tui_menu 4 4
tui_see "reversal screen" "管理员密码"
unlike "reversal: the correction's fields only when asked for" "$(tui_screen)" "电费金额"
tui_type "$INV"; tui_keys Tab; tui_type "记成微信，实为现金"; tui_keys Tab Space
tui_see "reversal: the correction's fields" "电费金额(元)"
tui_keys Tab Tab Tab; tui_type "boss"; tui_keys Tab; tui_type "boss-pass-1"; tui_keys Enter
tui_see "reversal: confirmation" "确认冲正"
tui_like "reversal: the sale reversed" "被冲正票据 +$INV 日常售电, 100\.00 元, 微信"
tui_like "reversal: recorded instead in cash" "更正记录\(元\) +100\.00, 现金"
tui_like "reversal: money only" "不变：只冲正金额"
tui_like "reversal: approved by boss" "批准人 +boss"
tui_keys Enter
tui_see "reversal: done" "已冲正"
is "reversal: two linked entries netting to 0" \
    "$(db "select count(*) || ' ' || sum(amount_fen + fee_fen + arrears_fen) from sales where kind = 11")" "2 0"
is "reversal: the audit names both" \
    "$(db "select operator || ' ' || (after like '%approved_by=boss%') from audit where op = 'reversal'")" "system 1"
tui_stop
# (the program's exit backup may hold the database a moment: each waits for its turn)
ok "money: the fee is deleted" wait_for 20 adm fee delete --fee 服务费
ok "money: the rest of the arrears waived" wait_for 20 adm arrears waive --customer 10000001 --amount 20 --reason 测试结束

# --- 冲正 taking the energy back: a sale still on the card, not loaded ---------------------
sim eject >/dev/null; sim meter-insert 20240001 c1 >/dev/null; sim insert c1 >/dev/null
tui_start
tui_login system 1
tui_menu 3 1
tui_see "energy back: daily sale screen" "日常售电"
tui_keys F2
tui_see "energy back: card read" "已消费"
tui_type "10"; tui_keys Enter
tui_see "energy back: confirmation of the sale" "收款并写卡？"
tui_keys Enter
tui_see "energy back: sold" "售电成功" 20
INV2=$(db "select invoice_no from sales order by id desc limit 1")
COUNT2=$(db "select purchase_count from sales order by id desc limit 1")
tui_menu 4 4
tui_see "energy back: reversal screen" "从卡上扣回电量"
tui_type "$INV2"; tui_keys Tab; tui_type "卖错户"
tui_keys Tab Tab; tui_type "boss"; tui_keys Tab; tui_type "boss-pass-1"; tui_keys Tab Tab Space
tui_like "energy back: ticked" "从卡上扣回电量.* \[x\]"
unlike "energy back: no correction, no request then" "$(tui_screen)" "请管理员稍后批准|按实际付款重新记录"
tui_keys Enter
tui_see "energy back: confirmation" "写回此卡并记录冲正？"
tui_like "energy back: the energy off the card, the count back" \
    "从卡上扣回 [0-9.]+ kWh（购电次数 $COUNT2 -> $((COUNT2 - 1))）"
tui_keys Enter
tui_see "energy back: done" "已冲正" 20
is "energy back: the linked entry cancels money and energy, its card write done" \
    "$(db "select s.state || ' ' || (s.amount_fen = -o.amount_fen) || ' ' || (s.energy_ckwh = -o.energy_ckwh) || ' ' || c.state from sales s join sales o on o.id = s.reverses_id join card_ops c on c.id = s.op_id where o.invoice_no = $INV2")" \
    "1 1 1 1"
is "energy back: the account's purchase count is back" \
    "$(db "select purchase_count from customers where customer_no = 10000001")" $((COUNT2 - 1))
tui_stop

# --- English: a daily sale; nothing cut short at 80 columns ------------------------------
sim eject >/dev/null; sim meter-insert 20240001 c1 >/dev/null; sim insert c1 >/dev/null
tui_ini "language=en"
tui_start
tui_login system 1
tui_see "en: logged in" "F9 or Enter opens the menu"
tui_menu 3 1
tui_see "en: daily sale screen" "Daily sale"
tui_keys F2
tui_see "en: card read" "Consumed (loaded)"
unlike "en: nothing is cut short after reading the card" "$(tui_screen)" "…"
tui_like "en: the last purchase shows its amount" "Last purchase .* [0-9]+\.[0-9]{2} yuan"
tui_like "en: the tariff is whole" "Tariff +居民生活用电  0\.5283 yuan/kWh"
like "en: the status line shows the card's meter" "$(tui_status)" "User card meter 20240001"
tui_type "5"; tui_keys Enter
tui_see "en: confirmation" "Take the money and write the card?"
tui_keys Enter
tui_see "en: sold" "Sold " 20
is "en: 5 yuan recorded" "$(db "select kind, state, amount_fen from sales order by id desc limit 1")" "2|1|500"
# a re-sale of 2.00 instead: the change is said in English too
tui_menu 3 2
tui_keys F2
tui_see "en: re-sale shows the sale it cancels" "Sale to cancel"
tui_type "2"; tui_keys Enter
tui_see "en: re-sale asks to give the difference back" "Give the difference back and write the card?"
tui_like "en: and how much" "Give back to the customer \(yuan\) +3\.00"
tui_keys Enter
tui_see "en: re-sold, saying the change" "Give back 3.00 yuan" 20
tui_menu 3 1
# the same purchase into the meter twice: the meter reports it and the advice is whole
sim eject >/dev/null; sim meter-insert 20240001 c1 >/dev/null
sim meter-insert 20240001 c1 >/dev/null; sim insert c1 >/dev/null
tui_keys F2
tui_see "en: the meter's report is shown" "Meter report"
unlike "en: the meter's advice is not cut short" "$(tui_screen)" "…"
tui_stop

# --- demo mode: the simulator panel (F12) runs kwhsim and shows its answer --------------
tui_ini "language=zh_CN" "demo=true" "sim.dir=$TUI_SIM"
tui_start
tui_login system 1
tui_see "demo: logged in" "F12模拟器"
tui_keys F12
tui_see "demo: simulator panel" "模拟器（培训）"
tui_see "demo: the panel's choice says how it changes" "←/→：选择"
tui_keys Right Right Right Right Enter
tui_see "demo: asks for the meter" "表号"
tui_type "20240001"; tui_keys Enter
tui_see "demo: the meter's display" "n20240001"
# longer than the screen: it scrolls, and says so; the relay state is at the end
tui_see "demo: the display says it scrolls" "PgUp/PgDn：滚动"
unlike "demo: the relay is below the first page" "$(tui_screen)" "relay "
tui_keys NPage
tui_like "demo: scrolled to the relay and the meter's state" "relay +(closed|open)"
tui_see "demo: down to the last line" "state "
tui_keys Enter
# faults for training: the card pulled during the next write, then cleared
tui_keys F12
tui_wait "模拟器（培训）" && tui_keys Right Right Right Right Right Right Right Enter
tui_see "demo: the fault is set" "fault pull 3"
tui_keys Enter
like "demo: the simulator has the fault" "$(sim status)" "pull"
tui_keys F12
tui_wait "模拟器（培训）" && tui_keys Left Left Enter
tui_see "demo: faults cleared" "fault clear"
tui_keys Enter
unlike "demo: the simulator has no fault left" "$(sim status)" "pull"
tui_menu 3 1
tui_see "demo: daily sale" "日常售电"
like "demo: every key of the sale screen is on the hint line" "$(tui_hint)" "F2.*F4.*F7.*Enter.*Esc.*F1.*F9.*F10.*F11.*F12"
tui_keys F2
tui_see "demo: card read" "李四"
tui_keys F12
tui_wait "模拟器（培训）" && tui_keys Right Right Enter
tui_see "demo: card into a meter lists the card files" "< c1 >"
tui_like "demo: the meter is the card's" "表号 +20240001"
tui_keys Escape
# after an opening, the card in the reader is the new one: the panel proposes its meter.
# The card is changed from the home screen: the sale screen reads a card as it comes, and
# its answer to a blank card could take the menu keys that follow
tui_wait "日常售电" && tui_keys Escape
tui_see "demo: back on the home screen before the card is changed" "按 F9 或 Enter 打开菜单"
sim eject >/dev/null; sim new-card c2 >/dev/null; sim insert c2 >/dev/null
sim new-meter 20240002 >/dev/null
tui_menu 2 1
tui_wait "用户开户购电"
tui_type "王五"; tui_keys Tab Tab Tab Tab Tab Tab Tab Tab; tui_type "20240002"; tui_keys Enter
tui_wait "写读卡器中的白卡？" && tui_keys Enter
tui_see "demo: a second account opened" "开户成功" 20
tui_keys Enter
tui_keys F12
tui_wait "模拟器（培训）" && tui_keys Right Right Enter
tui_like "demo: the panel proposes the new card's meter" "表号 +20240002"
tui_keys Escape
tui_stop

done_testing
