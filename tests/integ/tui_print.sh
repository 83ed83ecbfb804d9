#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Printing from the terminal UI through a private cupsd: F7 after a sale prints the
# original invoice on a raw socket printer; F7 again prints a 补打 copy, marked and
# counted; a stopped printer is reported and the sale stays done. 补打发票 prints an
# invoice's original, then a counted 补打 copy; a query's list prints as a report; a
# printer warning (a value that does not fit the form) is shown.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cups_lib.sh"
. "$(dirname "$0")/tui_lib.sh"

cups_start
listener many raw
add_queue -p raw -E -v "socket://127.0.0.1:$port" -m raw
has_gb() { LC_ALL=C grep -qF -- "$(printf '%s' "$2" | iconv -f UTF-8 -t GB18030)" "$1"; }

tui_site || { echo "not ok - site"; exit 1; }
sim_start || { echo "not ok - kwhsim serve"; exit 1; }
sim new-card c1 >/dev/null && sim insert c1 >/dev/null && sim new-meter 20240001 >/dev/null
cp "$KWH_TOP/forms/receipt80.form" "$T/r80.form"
tui_ini "language=zh_CN" "backup.interval_hours=0" "print.queue=raw" "print.form=$T/r80.form" \
    "print.server=$T/cups.sock" "print.wait_seconds=20"
db "update operators set must_change=0 where name='system'" >/dev/null
tui_start
tui_login system 1
tui_see "logged in" "按 F9 或 Enter 打开菜单"

# an account with a first purchase, its card into the meter
tui_menu 2 1
tui_see "open account screen" "用户开户购电"
tui_type "李四"; tui_keys Tab; tui_type "一号楼101"; tui_keys Tab; tui_type "13800000000"
tui_keys Tab Tab Tab; tui_type "100"; tui_keys Tab Tab Tab; tui_type "20240001"
tui_keys Enter
tui_see "open: confirmation panel" "写读卡器中的白卡？"
tui_keys Enter
tui_see "open: done" "开户成功" 20
tui_keys Enter
sim eject >/dev/null
sim meter-insert 20240001 c1 >/dev/null
sim insert c1 >/dev/null

# a daily sale, then F7
tui_menu 3 1
tui_see "daily sale screen" "日常售电"
tui_keys F2
tui_see "the card is read" "李四"
tui_type "50"; tui_keys Enter
tui_see "confirmation panel" "收款并写卡？"
tui_keys Enter
tui_see "sale done" "售电成功" 20
tui_keys F7
tui_see "F7 prints the receipt" "票据已打印" 30
ok "the printer receives the invoice" wait_for 10 test -f "$T/raw.1.bin"
ok "in GB18030, with the customer" has_gb "$T/raw.1.bin" 李四
ok "the kind of sale" has_gb "$T/raw.1.bin" 日常售电
ok "and the amount in capitals" has_gb "$T/raw.1.bin" 伍拾元整
is "the sale is recorded as printed" "$(db "select printed > 0, reprints from sales where invoice_no = 2")" "1|0"

tui_keys F7
ok "F7 again prints a second copy" wait_for 20 test -f "$T/raw.2.bin"
ok "marked 补打(第1次)" has_gb "$T/raw.2.bin" "补打(第1次)"
is "and counted" "$(db "select reprints from sales where invoice_no = 2")" 1

cupsdisable -r "paper jam" raw
tui_keys F7
tui_see "a stopped printer is reported" "已停止 (paper jam)" 30
is "the sale stays done" "$(db "select state, amount_fen from sales where invoice_no = 2")" "1|5000"
cupsenable raw

# --- 补打发票 (M33) -----------------------------------------------------------------------
tui_menu 3 4
tui_see "reprint screen lists the invoices" "补打次数"
tui_keys Down Enter
tui_wait "还没有打印过" && tui_keys Enter
tui_see "an invoice never printed prints its original" "票据 1 已打印" 30
ok "the printer receives it" wait_for 10 test -f "$T/raw.3.bin"
ok "unmarked" test -z "$(LC_ALL=C grep -F "$(printf '补打' | iconv -f UTF-8 -t GB18030)" "$T/raw.3.bin")"
tui_keys Enter
tui_wait "第 1 次补打" && tui_keys Enter
tui_see "then a 补打 copy" "票据 1 已补打（第 1 次）" 30
ok "the printer receives the copy" wait_for 10 test -f "$T/raw.4.bin"
ok "marked 补打(第1次)" has_gb "$T/raw.4.bin" "补打(第1次)"
is "the reprint is counted" "$(db "select reprints from sales where invoice_no = 1")" 1

# a value that does not fit the form: printed, with the warning shown
sed -i 's/^{unit  *^}$/{unit}/' "$T/r80.form"
tui_keys Enter
tui_wait "第 2 次补打" && tui_keys Enter
tui_see "a printer warning is shown" "注意" 30
ok "the copy went out" wait_for 10 test -f "$T/raw.5.bin"

# --- English: the reprint list whole at 80 columns ----------------------------------------
tui_stop
tui_ini "language=en" "backup.interval_hours=0" "print.queue=raw" "print.form=$T/r80.form" \
    "print.server=$T/cups.sock" "print.wait_seconds=20"
tui_start
tui_login system 1
tui_wait "F9"
tui_menu 3 4
tui_see "en: reprint screen" "Reprints"
tui_like "en: the kind of an opening is whole" "Account opening"
unlike "en: no column is cut" "$(tui_screen | sed -n 5,20p)" "…"
tui_menu 1 3
tui_see "en: the area code help" "secret, write it down"
unlike "en: no line of it is left alone" "$(tui_screen)" "^ *secret, *$"
tui_stop
tui_ini "language=zh_CN" "backup.interval_hours=0" "print.queue=raw" "print.form=$T/r80.form" \
    "print.server=$T/cups.sock" "print.wait_seconds=20"
tui_start
tui_login system 1
tui_wait "F9"

# --- a query's list on the printer ----------------------------------------------------------
tui_menu 6 2
tui_keys F3
tui_see "today's purchases" "合计 2 笔"
tui_keys F7
tui_see "F7 prints the list" "已打印" 30
ok "the printer receives the report" wait_for 10 test -f "$T/raw.6.bin"
ok "with its title" has_gb "$T/raw.6.bin" "购电电量查询"
ok "and the total" has_gb "$T/raw.6.bin" "150.00"
tui_stop
done_testing
