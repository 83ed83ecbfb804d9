#!/bin/bash
# `make run READER=pcsc`: tools/run-demo.sh brings the terminal UI up on the demo site
# through the PC/SC driver, a pcscd of its own with the vpcd reader and the simulator
# as the card. In tmux: the card put in from the simulator panel (F12) is read by the
# sale screen at once; an amount, Enter, Enter: sold; the meter then says good.
. "$(dirname "$0")/lib.sh"

DEMO=$T/demo
SOCK=kwhrunp$$
tm() { tmux -L "$SOCK" -f /dev/null "$@"; }
screen() { tm capture-pane -p -t run 2>/dev/null; }
see() { wait_for "${3:-15}" bash -c "tmux -L $SOCK capture-pane -p -t run | grep -qF -- \"\$1\"" _ "$2"; }
see_ok() { # name text
    if see "$1" "$2"; then _t_result 0 "$1"; else _t_result 1 "$1" "$(screen)"; fi
}
on_exit "tmux -L $SOCK kill-server 2>/dev/null"
export KWHPOS_LOCALEDIR=$KWH_BUILD/locale

tm new-session -d -s run -x 80 -y 24 \
    "TERM=xterm-256color LC_ALL=C.UTF-8 READER=pcsc $KWH_TOP/tools/run-demo.sh $KWH_BUILD $DEMO; sleep 30"
see_ok "the login screen comes up on the demo site" "系统登录" 30
like "the UI's INI names the PC/SC reader" "$(cat "$DEMO/kwhpos-pcsc.ini")" 'driver = pcsc'
ok "pcscd runs on the demo's own socket" test -S "$DEMO/pcsc/pcscd.comm"

tm send-keys -t run clerk Tab clerk123 Enter
see_ok "the seller logs in" "幸福小区物业"
tm send-keys -t run F9 3 1
see_ok "日常售电 opens, waiting for a card" "读用户卡（F2）"
# the simulator panel puts the customer's card in the reader
tm send-keys -t run F12
see_ok "F12 opens the simulator panel" "模拟器"
tm send-keys -t run Enter
see_ok "it asks which card" "卡名"
tm send-keys -t run z Enter
see_ok "the card goes into the reader" "zhang.card is in the reader"
tm send-keys -t run Enter
see_ok "the sale screen reads it at once: the customer is shown" "10000001"
tm send-keys -t run 50 Enter
see_ok "a confirmation shows before money is taken" "收款并写卡"
tm send-keys -t run Enter
see_ok "the sale is written" "售电成功"
is "the sale is in the database" \
    "$(sqlite3 "$DEMO/site.db" "SELECT count(*), sum(amount_fen) FROM sales WHERE kind = 2 AND state = 1")" \
    "1|5000"
# the card into its meter, from the panel
tm send-keys -t run F12
see_ok "the panel again" "模拟器"
tm send-keys -t run Right Right Enter
see_ok "card into a meter: it asks the meter" "表号"
tm send-keys -t run Enter
see_ok "the meter takes the purchase: good" "good"
pcscd_pid=$(pgrep -f "pcscd --foreground --config $DEMO/pcsc/conf.d" | head -n 1)
ok "the demo's pcscd is found" test -n "$pcscd_pid"
tm send-keys -t run Enter F10
see_ok "F10 asks before quitting" "退出"
tm send-keys -t run Enter
ok "quitting the UI stops the simulator" wait_for 15 bash -c "! test -S '$DEMO/sim/control.sock'"
ok "and the demo's pcscd" wait_for 15 bash -c "! kill -0 $pcscd_pid 2>/dev/null"
done_testing
