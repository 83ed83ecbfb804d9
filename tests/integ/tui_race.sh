#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Two terminals on one site (issue 10): the clerk at the sale's confirmation shows a
# plan; meanwhile a second terminal reprices the tariff (or edits the account). Enter
# commits that plan or nothing: the commit finds the world changed and refuses, with
# nothing written to the database or the card. Read again, the new price is quoted and
# the sale goes through at the price shown.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tui_lib.sh"

tui_site || { echo "not ok - site"; exit 1; }
sim eject >/dev/null && rm -f "$TUI_SIM/c0.card"
sim new-card c1 >/dev/null && sim insert c1 >/dev/null && sim new-meter 20240001 >/dev/null
tui_ini "language=zh_CN"
db "update operators set must_change=0 where name='system'" >/dev/null
kp() { printf '1\n' | "$KWHPOS" -c "$TUI_INI" --user system "$@"; }

kp open --name 李四 --meter 20240001 --tariff 居民生活用电 --amount 100 --pay cash >/dev/null
is "the account is opened" "$(db "select customer_no, status from customers")" "10000001|1"
sim eject >/dev/null
like "the meter takes the card" "$(sim meter-insert 20240001 c1 2>&1)" "good"
sim insert c1 >/dev/null

# what must not move when a commit is refused
world() {
    db "select (select count(*) from sales), (select count(*) from card_ops),
               (select count(*) from events), (select count(*) from audit),
               (select group_concat(purchase_count || ':' || balance_ckwh || ':' || name)
                  from customers)"
    sim card-show c1
}

# --- terminal 1: the clerk reads the card and asks for 50 yuan ------------------------------
tui_start
tui_login system 1
tui_see "terminal 1: logged in" "按 F9 或 Enter 打开菜单"
tui_menu 3 1
tui_see "terminal 1: daily sale" "日常售电"
tui_keys F2
tui_see "terminal 1: the card is read" "李四"
tui_type "50"; tui_keys Enter
tui_see "terminal 1: the confirmation" "收款并写卡？"
tui_like "terminal 1: quoted at 0.5283" "居民生活用电 0\.5283"
tui_like "terminal 1: 50 yuan buys 94.64 kWh" "94\.64"
before=$(world)

# --- terminal 2: the administrator reprices the tariff ------------------------------------
tui_terminal ui2
TUI_T=ui2
tui_login system 1
tui_see "terminal 2: logged in" "按 F9 或 Enter 打开菜单"
tui_menu 1 4
tui_see "terminal 2: the tariff screen" "电价类型设置"
tui_keys Tab Tab Tab C-u; tui_type "1.0000"; tui_keys Enter
tui_see "terminal 2: a new price asks first, naming the account on it" "有 1 个正常用户使用此电价"
tui_keys Enter
tui_see "terminal 2: the tariff is repriced" "电价类型 居民生活用电 已保存。"
is "the new price is in force" \
    "$(db "select p.price from tariffs t join tariff_prices p on p.tariff_id = t.id
           where t.name = '居民生活用电' order by p.id desc limit 1")" 10000
after_price=$(world)

# --- terminal 1: Enter on the old quote ---------------------------------------------------
TUI_T=ui
tui_keys Enter
tui_see "terminal 1: Enter is refused, naming the price change" \
    "报价后电价“居民生活用电”已从 0.5283 改为 1.0000" 20
is "nothing was written: database and card as before" "$(world)" "$after_price"
is "no sale of 50 yuan" "$(db "select count(*) from sales where amount_fen = 5000")" 0
unlike "the screen does not say sold" "$(tui_screen)" "售电成功"

# read again: the new price is quoted, and that is what is sold
tui_keys Enter
tui_keys F2
tui_see "terminal 1: the card read again" "李四"
tui_type "50"; tui_keys Enter
tui_see "terminal 1: the confirmation again" "收款并写卡？"
tui_like "terminal 1: quoted at the new price" "居民生活用电 1\.0000"
tui_like "terminal 1: 50 yuan buys 50.00 kWh now" "电量\(kWh\) +50\.00"
tui_keys Enter
tui_see "terminal 1: sold" "售电成功" 20
is "the sale is what was shown: 50 yuan, 50 kWh at 1.0000" \
    "$(db "select amount_fen, energy_ckwh, price from sales order by id desc limit 1")" "5000|5000|10000"

# --- the account changed by another terminal ------------------------------------------------
sim eject >/dev/null
sim meter-insert 20240001 c1 >/dev/null
sim insert c1 >/dev/null
tui_keys Enter
tui_keys F2
tui_see "terminal 1: the card read once more" "李四"
tui_type "20"; tui_keys Enter
tui_see "terminal 1: the next confirmation" "收款并写卡？"
kp edit --customer 10000001 --phone 13900000000 >/dev/null
before=$(world)
tui_keys Enter
tui_see "terminal 1: Enter is refused, the account changed" "10000001" 20
tui_like "terminal 1: saying another terminal changed it" "在此期间已被修改（另一台终端）"
is "nothing was written" "$(world)" "$before"
is "no sale of 20 yuan" "$(db "select count(*) from sales where amount_fen = 2000")" 0

tui_keys Enter
wait_for 5 _tui_gone "Enter：是"
tui_stop
TUI_T=ui2
tui_stop
done_testing
