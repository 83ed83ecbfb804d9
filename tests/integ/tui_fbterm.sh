#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The clerk's console: under fbterm (TERM=fbterm, its terminfo from the fbterm package)
# the terminal UI speaks Chinese; on the bare Linux console (TERM=linux, no CJK glyphs)
# it falls back to English. The real kwhpos in tmux, with the journal lines it writes
# (start, login, stop; KWHPOS_LOG_FILE stands in for syslog) and no password in them.
. "$(dirname "$0")/lib.sh"

infocmp fbterm >/dev/null 2>&1 || { echo "not ok 1 - no terminfo for fbterm (apt-get install fbterm)"; exit 1; }
site=$T/site.db
"$KWHPOS" --db "$site" init --area 123456 >/dev/null
printf '1\nfb-pass-1\nfb-pass-1\n' | "$KWHPOS" --db "$site" --user system operator passwd >/dev/null 2>&1
printf '[database]\npath = %s\n[backup]\ninterval_hours = 0\n' "$site" >"$T/k.ini"
export KWHPOS_LOG_FILE=$T/log
RUNS=0
SOCK=kwhfb$$-0
tm() { tmux -L "$SOCK" -f /dev/null "$@"; }
on_exit 'tm kill-server 2>/dev/null'
shows() { tm capture-pane -p -t fb | grep -qF -- "$1"; }
screen() { tm capture-pane -p -t fb; }

run() { # TERM: a new tmux server each time (a dying one may still hold the old socket)
    tm kill-server 2>/dev/null
    RUNS=$((RUNS + 1))
    SOCK=kwhfb$$-$RUNS
    tm new-session -d -x 80 -y 24 -s fb \
        "env TERM=$1 LC_ALL=C.UTF-8 KWHPOS_LOCALEDIR=$KWH_BUILD/locale KWHPOS_LOG_FILE=$T/log \
         ASAN_OPTIONS=${ASAN_OPTIONS:-} LSAN_OPTIONS=suppressions=$KWH_TOP/tests/integ/tui_lsan.supp \
         $KWHPOS -c $T/k.ini; echo \"[exit \$?]\"; sleep 60"
}

run fbterm
if wait_for 15 shows "系统登录"; then _t_result 0 "TERM=fbterm: the login is in Chinese"
else _t_result 1 "TERM=fbterm: the login is in Chinese" "$(screen)"; fi
tm send-keys -t fb -l system; tm send-keys -t fb Tab; tm send-keys -t fb -l fb-pass-1; tm send-keys -t fb Enter
if wait_for 15 shows "F9"; then _t_result 0 "TERM=fbterm: logged in, the home screen is drawn"
else _t_result 1 "TERM=fbterm: logged in, the home screen is drawn" "$(screen)"; fi
like "and it is Chinese" "$(screen)" "菜单|售电|退出"
tm send-keys -t fb F10
wait_for 5 shows "Esc" && tm send-keys -t fb Enter
ok "TERM=fbterm: the UI exits cleanly" wait_for 10 shows "[exit 0]"

run linux
if wait_for 15 shows "kwhpos login"; then _t_result 0 "TERM=linux: the login falls back to English"
else _t_result 1 "TERM=linux: the login falls back to English" "$(screen)"; fi
tm send-keys -t fb Escape
wait_for 5 shows "Leave kwhpos" && tm send-keys -t fb Enter
ok "TERM=linux: Esc leaves" wait_for 10 shows "[exit 0]"

log=$(cat "$T/log")
like "the journal has the start with the terminal type" "$log" '^<6> terminal UI started on /dev/pts/[0-9]+ \(TERM=fbterm, language zh_CN\)'
like "the login" "$log" '^<6> operator system logged in'
like "and the stop" "$log" '^<6> terminal UI stopped'
unlike "never a password" "$log" "fb-pass-1"
done_testing
