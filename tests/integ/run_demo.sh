#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# `make run`: tools/run-demo.sh makes the demo site, starts the simulator, brings the
# terminal UI up on its reader in a real terminal (tmux), and stops the simulator when
# the UI quits. READER=pcsc (run_demo_pcsc.sh) runs the same through the PC/SC driver:
# a pcscd of the demo's own with the vpcd reader, the simulator the card in it. A whole
# sale: the card put in from the simulator panel is read by the sale screen at once; an
# amount, Enter, Enter: sold; the meter then says good.
. "$(dirname "$0")/lib.sh"

READER=${READER:-serial}
DEMO=$T/demo
SOCK=kwhrun$$
tm() { tmux -L "$SOCK" -f /dev/null "$@"; }
screen() { tm capture-pane -p -t run 2>/dev/null; }
see() { wait_for "${3:-15}" bash -c "tmux -L $SOCK capture-pane -p -t run | grep -qF -- \"\$1\"" _ "$2"; }
see_ok() { # name text
    if see "$1" "$2"; then _t_result 0 "$1"; else _t_result 1 "$1" "$(screen)"; fi
}
on_exit "tmux -L $SOCK kill-server 2>/dev/null"
export KWHPOS_LOCALEDIR=$KWH_BUILD/locale

tm new-session -d -s run -x 80 -y 24 \
    "TERM=xterm-256color LC_ALL=C.UTF-8 READER=$READER $KWH_TOP/tools/run-demo.sh $KWH_BUILD $DEMO; sleep 30"
see_ok "the login screen comes up on the demo site" "系统登录" 30
ok "the simulator is serving" wait_for 10 test -S "$DEMO/sim/control.sock"
if [ "$READER" = pcsc ]; then
    like "the UI's INI names the PC/SC reader" "$(cat "$DEMO/kwhpos-pcsc.ini")" 'driver = pcsc'
    ok "pcscd runs on the demo's own socket" test -S "$DEMO/pcsc/pcscd.comm"
else
    like "the INI points the UI at the simulator" "$(cat "$DEMO/kwhpos.ini")" 'port = sim/reader'
fi

tm send-keys -t run clerk Tab clerk123 Enter
see_ok "the seller logs in" "幸福小区物业"
# the demo's guide is in the UI: the panel's last entry (← from the first)
tm send-keys -t run F12
see_ok "F12 opens the panel for the guide" "模拟器"
tm send-keys -t run Left
see_ok "the panel's last entry is the demo's guide" "演示内容"
tm send-keys -t run Enter
see_ok "the guide lists the customers and their cards" "10000001 张三"
see_ok "and how to switch to English" "[ui] language = en"
see_ok "and that the meter shows a change only when the card goes in" "only"
see_ok "after the use, the card into the meter again" "meter again, then into the reader"
tm send-keys -t run Enter
tm send-keys -t run F9 3 1
see_ok "日常售电 opens, waiting for a card" "读用户卡（F2）"
# the simulator panel puts the customer's card in the reader
tm send-keys -t run F12
see_ok "F12 opens the simulator panel" "模拟器"
tm send-keys -t run Enter
see_ok "it asks which card" "卡名"
see_ok "offering the cards there are" "< blank1 >"
# a letter picks the next card whose name starts with it
tm send-keys -t run l
see_ok "l picks li" "< li >"
tm send-keys -t run z
see_ok "z picks zhang" "< zhang >"
tm send-keys -t run Enter
see_ok "the card goes into the reader" "zhang.card is in the reader"
tm send-keys -t run Enter
see_ok "the sale screen reads it at once: the customer is shown" "10000001"
see_ok "the status line names the card" "用户卡 表号 20240001"
tm send-keys -t run 50 Enter
see_ok "a confirmation shows before money is taken" "收款并写卡"
tm send-keys -t run Enter
see_ok "the sale is written" "售电成功"
tm send-keys -t run F7
see_ok "F7: the demo has no printer, and how to add one" "演示系统没有打印机"
tm send-keys -t run Enter
is "the sale is in the database" \
    "$(sqlite3 "$DEMO/site.db" "SELECT count(*), sum(amount_fen) FROM sales WHERE kind = 2 AND state = 1")" \
    "1|5000"
# the card (docs/card-format.md): commit byte 0x09 now names slot 1, whose purchase
# count (slot offset 12) is 2
card=$("$KWHSIM" --dir "$DEMO/sim" card-show zhang)
like "the card's commit byte moved to the new record" "$card" '^00: ([0-9a-f]{2} ){9}01'
like "and the new record carries purchase 2" "$card" '^50: ([0-9a-f]{2} ){12}00 02'

# the card into its meter, from the panel
tm send-keys -t run F12
see_ok "the panel again" "模拟器"
tm send-keys -t run Right Right Enter
see_ok "card into a meter: it asks the meter" "表号"
tm send-keys -t run Enter
see_ok "the meter takes the purchase: good" "good"
tm send-keys -t run Enter
see_ok "the card out of the reader takes the customer off the screen" "尚无用户"

pcscd_pid=
if [ "$READER" = pcsc ]; then
    pcscd_pid=$(pgrep -f "pcscd --foreground --config $DEMO/pcsc/conf.d" | head -n 1)
    ok "the demo's pcscd is found" test -n "$pcscd_pid"
fi
tm send-keys -t run F10
see_ok "F10 asks before quitting" "退出"
tm send-keys -t run Enter
ok "quitting the UI stops the simulator" wait_for 15 bash -c "! test -S '$DEMO/sim/control.sock'"
"$KWHSIM" --dir "$DEMO/sim" status >/dev/null 2>&1; rc=$?
ok "no simulator answers any more" test $rc -ne 0
if [ -n "$pcscd_pid" ]; then
    ok "and the demo's pcscd stopped" wait_for 15 bash -c "! kill -0 $pcscd_pid 2>/dev/null"
fi
done_testing
