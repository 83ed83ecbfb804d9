#!/bin/bash
# Every menu entry opens at 80x24 in both languages with no label cut short (draw_text
# marks a label that does not fit with "…"), and F1 lists the screen's keys.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tui_lib.sh"

tui_site || { echo "not ok - site"; exit 1; }
db "update operators set must_change=0 where name='system'" >/dev/null
# menu: number of entries an administrator sees
counts=(8 2 4 3 3 8 3 5)

walk() { # LANG
    local m i n screen
    for m in 1 2 3 4 5 6 7 8; do
        n=${counts[$((m - 1))]}
        for ((i = 1; i <= n; i++)); do
            tui_keys F9 "$m" "$i"
            tui_wait "F10" 5 >/dev/null 2>&1
            wait_for 5 _tui_screen_settled
            screen=$(tui_screen)
            if printf '%s' "$screen" | grep -q '…'; then
                _t_result 1 "$1: menu $m entry $i shows every label whole" "$screen"
            else
                _t_result 0 "$1: menu $m entry $i shows every label whole"
            fi
            tui_keys Escape Escape
            tui_wait "F9" 5 >/dev/null 2>&1
        done
    done
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
    tui_ini "language=$lang" "backup.interval_hours=0" "print.form=$T/r80.form"
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
