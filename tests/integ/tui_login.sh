#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The TUI: first login as system forces a new password; a wrong password is refused;
# both languages; the idle lock hides the screen and lets another operator in; F11 locks;
# a resize redraws; a seller does not see admin screens and the core refuses them.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tui_lib.sh"

tui_site || { echo "not ok - site"; exit 1; }

# --- Chinese (the default) -------------------------------------------------------------
tui_ini "language=zh_CN"
tui_start
tui_see "zh: login dialog" "kwhpos 系统登录"
tui_login system wrong
tui_see "zh: wrong password refused" "登录失败"
tui_keys C-u; tui_keys BTab; tui_keys C-u
tui_type system; tui_keys Tab; tui_type 1; tui_keys Enter
tui_see "first login forces a new password" "修改密码"
tui_type "n3w-pass"; tui_keys Tab; tui_type "n3w-pass"; tui_keys Enter
tui_see "zh: home screen after the change" "按 F9 或 Enter 打开菜单"
is "must_change cleared in the database" "$(db "select must_change from operators where name='system'")" 0
like "zh: status line shows operator and role" "$(tui_screen | tail -1)" "操作员 system \[管理员\]"
like "zh: status line shows the reader" "$(tui_screen | tail -1)" "读卡器: 无卡|读卡器: 有卡"
like "zh: menu bar" "$(tui_screen | head -1)" "1系统设置 2用户开户 3售电 4购电维护 5用户维护 6数据查询 7数据文件 8工具卡"

# add a seller through 操作员维护
tui_menu 1 5
tui_see "operators screen" "操作员维护"
tui_keys F5; tui_type "张三"; tui_keys Tab Tab; tui_type "sell-1"; tui_keys Tab; tui_type "sell-1"
tui_keys Enter
tui_see "seller added, told to choose a password at first login" "已添加操作员 张三。该操作员首次登录时须设置自己的密码"
is "seller in the database" "$(db "select role from operators where name='张三' and active=1")" 1

# resize: shrink below 80x24, then back
_tmux resize-window -t ui -x 60 -y 20
tui_see "too small a terminal says so" "终端太小"
_tmux resize-window -t ui -x 80 -y 24
tui_see "back to 80x24 redraws the screen" "操作员维护"

# F11 locks: the screen under it is hidden; the seller logs in instead
tui_keys F11
tui_see "F11 locks the screen" "已锁屏"
unlike "locked: the screen under it is hidden" "$(tui_screen)" "操作员维护|电价类型"
tui_keys BTab C-u; tui_type "张三"; tui_keys Tab; tui_type "sell-1"; tui_keys Enter
# the administrator chose sell-1: the seller sets their own password first
tui_see "the new seller must choose a password" "修改密码"
tui_type "sell-2"; tui_keys Tab; tui_type "sell-2"; tui_keys Enter
tui_see "another operator takes over at the home screen" "操作员 张三 [售电员]"
is "the seller's own password is set" "$(db "select must_change from operators where name='张三'")" 0

# seller: the settings menu has only M2, M7, M8
tui_keys F9 1
tui_see "seller's settings menu" "3 发票格式调整"
unlike "seller sees no tariffs or operators" "$(tui_screen)" "电价类型设置|操作员维护|用电单位局号设置"
tui_keys Escape Escape
tui_keys F9 4
tui_see "seller's purchase menu" "2 读卡退电"
unlike "seller sees no meter change" "$(tui_screen)" "换表"
tui_keys Escape Escape
tui_keys F9 8
tui_see "seller's tool card menu" "继电器卡"
unlike "seller sees no management card" "$(tui_screen)" "管理卡|清零卡|测试卡"
tui_keys Escape Escape
tui_stop

# --- idle lock (seconds for the test) --------------------------------------------------
TUI_IDLE=2 tui_start
tui_login "张三" sell-2
tui_see "seller logged in" "操作员 张三"
tui_see "idle lock after the idle time" "已锁屏" 10
tui_type sell-2; tui_keys Enter
tui_see "the same operator unlocks" "操作员 张三 [售电员]"
tui_stop

# --- English ---------------------------------------------------------------------------
tui_ini "language=en"
tui_start
tui_see "en: login dialog" "kwhpos login"
tui_login system n3w-pass
tui_see "en: home screen" "F9 or Enter opens the menu"
like "en: menu bar" "$(tui_screen | head -1)" "1System 2New account 3Sell"
like "en: hint line" "$(tui_screen | sed -n 23p)" "F1Help"
tui_stop

# --- Esc at the login dialog asks before leaving; the lock dialog has no Esc -------------
tui_start
tui_see "en: login dialog says Esc quits" "Esc: quit"
tui_keys Escape
tui_see "Esc at login asks first" "Leave kwhpos?"
tui_keys Escape
tui_see "No: back at the login dialog" "kwhpos login"
tui_login system wrong-pw
tui_see "a failed login says why" "Login failed: "
tui_keys C-u; tui_type "n3w-pass"; tui_keys Enter
tui_see "en: logged in again" "F9 or Enter opens the menu"
tui_keys F11
tui_see "locked" "Locked"
unlike "the lock dialog offers no Esc" "$(tui_screen)" "Esc"
tui_keys Escape
tui_type "n3w-pass"; tui_keys Enter
tui_see "Esc did nothing: the password unlocks" "F9 or Enter opens the menu"

# --- a resize with a dialog open redraws both; too small says so ------------------------
tui_keys F10
tui_see "quit dialog open" "Log out and leave kwhpos?"
_tmux resize-window -t ui -x 100 -y 30
tui_see "wider: the dialog is still there" "Log out and leave kwhpos?"
like "wider: the status line is at the new bottom" "$(tui_screen | sed -n 30p)" "Operator system"
_tmux resize-window -t ui -x 60 -y 20
tui_see "too small: says what is needed" "80×24 needed"
_tmux resize-window -t ui -x 80 -y 24
tui_see "back to 80x24: the dialog again" "Log out and leave kwhpos?"
tui_see "back to 80x24: the hint line in place" "EnterMenu F1Help F9Menu"
tui_keys Escape
tui_wait "F9 or Enter opens the menu"
tui_stop

# --- monochrome: [ui] colour = off, and a terminal without colours ----------------------
_no_colour() { # NAME: no colour escape (SGR 30-38, 40-48, 90-107; 39/49 are the default)
    local esc
    esc=$(_tmux capture-pane -t ui -p -e | grep -oE $'\e\\[[0-9;]*m' | tr ';' '\n' | tr -d '\033[m' |
          grep -cE '^(3[0-8]|4[0-8]|9[0-7]|10[0-7])$')
    is "$1" "$esc" 0
}
tui_ini "language=en" "colour=off"
tui_start
tui_see "colour off: login" "kwhpos login"
tui_login system n3w-pass
tui_see "colour off: home" "F9 or Enter opens the menu"
_no_colour "colour off: no colour on the screen"
like "colour off: the hint keys still stand out" "$(_tmux capture-pane -t ui -p -e | sed -n 23p)" $'\e\\['
tui_stop
tui_ini "language=en"
tui_start xterm-mono
tui_see "xterm-mono: login" "kwhpos login"
tui_login system n3w-pass
tui_see "xterm-mono: home" "F9 or Enter opens the menu"
_no_colour "xterm-mono: no colour on the screen"
tui_stop

# --- TERM=linux without a language in the INI: English ---------------------------------
tui_ini
tui_start linux
tui_see "TERM=linux defaults to English" "kwhpos login"
tui_login system n3w-pass
tui_see "TERM=linux: home screen" "Operator system [Administrator]"
tui_stop

done_testing
