#!/bin/bash
# Printing from the terminal UI through a private cupsd: F7 after a sale prints the
# original invoice on a raw socket printer; F7 again prints a 补打 copy, marked and
# counted; a stopped printer is reported and the sale stays done.
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
tui_ini "language=zh_CN"
printf '[print]\nqueue = raw\nform = %s\nserver = %s\nwait_seconds = 20\n' \
    "$KWH_TOP/forms/receipt80.form" "$T/cups.sock" >>"$TUI_INI"
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
tui_stop
done_testing
