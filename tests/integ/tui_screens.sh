#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Every menu entry opens at 80x24 in both languages (in demo mode, so F12 is bound too)
# with no label cut short (draw_text marks a label that does not fit with "…"), every key
# F1 lists for the screen is on its hint line, and the global keys are always there.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tui_lib.sh"

tui_site || { echo "not ok - site"; exit 1; }
db "update operators set must_change=0 where name='system'" >/dev/null
# menu: number of entries an administrator sees
counts=(11 2 4 6 4 11 3 5)

walk() { # LANG
    local m i k n screen
    for m in 1 2 3 4 5 6 7 8; do
        n=${counts[$((m - 1))]}
        for ((i = 1; i <= n; i++)); do
            if ((i <= 10)); then
                tui_keys F9 "$m" "$((i % 10))" # the tenth entry is 0
            else # past the tenth no digit reaches it: down to it
                tui_keys F9 "$m"
                for ((k = 1; k < i; k++)); do tui_keys Down; done
                tui_keys Enter
            fi
            tui_wait "F10" 5 >/dev/null 2>&1
            wait_for 5 _tui_screen_settled
            screen=$(tui_screen)
            if printf '%s' "$screen" | grep -q '…'; then
                _t_result 1 "$1: menu $m entry $i shows every label whole" "$screen"
            else
                _t_result 0 "$1: menu $m entry $i shows every label whole"
            fi
            hint_keys "$1: menu $m entry $i" "$(printf '%s\n' "$screen" | sed -n 23p)"
            tui_keys Escape Escape
            tui_wait "F9" 5 >/dev/null 2>&1
        done
    done
}
# hint_keys NAME HINTLINE: F1's list of keys against the hint line
hint_keys() {
    local k keys missing=
    like "$1: F1, F9, F10, F11 and F12 on the hint line" "$2" 'F1[^0-9].*F9.*F10.*F11.*F12'
    tui_keys F1
    if ! tui_wait "$keys_title" 5 >/dev/null 2>&1; then
        _t_result 1 "$1: F1 lists the keys" "$(tui_screen)"
        return
    fi
    keys=$(tui_screen | grep -oE '│ *(F[0-9]+|Enter|Esc)  +' | sed 's/[│ ]//g')
    for k in $keys; do
        printf '%s' "$2" | grep -qE "$k([^0-9]|$)" || missing="$missing $k"
    done
    is "$1: every key F1 lists is on the hint line" "${missing:-none}" none
    tui_keys Enter
    wait_for 5 _tui_screen_settled
}
_tui_last=
_tui_screen_settled() {
    local now
    now=$(tui_screen)
    [ "$now" = "$_tui_last" ] && return 0
    _tui_last=$now
    return 1
}

cp "$KWH_TOP/forms/receipt80.form" "$T/r80.form"
for lang in zh_CN en; do
    tui_ini "language=$lang" "demo=true" "backup.interval_hours=0" "print.form=$T/r80.form"
    if [ $lang = zh_CN ]; then keys_title="按键"; else keys_title="Keys"; fi
    tui_start
    tui_login system 1
    tui_wait "F9" || true
    walk "$lang"
    tui_menu 3 1
    tui_keys F1
    if [ $lang = zh_CN ]; then tui_see "$lang: F1 lists the keys" "F2     读卡"
    else tui_see "$lang: F1 lists the keys" "F2     Read card"; fi
    tui_keys Enter
    tui_stop
done
done_testing
