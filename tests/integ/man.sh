#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# kwh-run: once
# The man pages, English and Chinese: each renders at 80 columns without a groff
# warning; kwhpos(1) has every command of `kwhpos --help` with every option of
# `kwhpos help CMD`; kwhpos.ini(5) has every key the code reads (the table in
# src/config/config.c); kwhsim(1) every command of `kwhsim --help`.
. "$(dirname "$0")/lib.sh"

M=$KWH_BUILD/man
render() { MANWIDTH=${2:-80} man -l "$1" 2>/dev/null | col -b; }
pages=(kwhpos.1 kwhsim.1 kwhpos.ini.5 kwhpos-form.5)
for lang in en zh_CN; do
    d=$M; [ $lang = zh_CN ] && d=$M/zh_CN
    for p in "${pages[@]}"; do
        ok "$lang $p is built" test -s "$d/$p"
        warn=$(MANWIDTH=80 man --warnings -l "$d/$p" 2>&1 >/dev/null)
        is "$lang $p renders without warnings" "$warn" ""
        width=$(render "$d/$p" | wc -L) # display columns (a Chinese character is two)
        ok "$lang $p has no line past 80 characters ($width)" test "$width" -le 80
    done
    text=$(render "$d/kwhpos.1" 400)
    missing=
    while read -r cmd; do
        grep -qF "kwhpos $cmd" <<<"$text" || missing="$missing [$cmd]"
        for opt in $("$KWHPOS" -c /dev/null help $cmd | grep -oE '^  --[a-z-]+' | sed 's/^  //'); do
            grep -qF -- "$opt" <<<"$(sed -n "/kwhpos $cmd/,/^ *\(Exit codes\|退出码\)/p" <<<"$text")" ||
                missing="$missing [$cmd $opt]"
        done
    done < <("$KWHPOS" -c /dev/null --help | awk '/^[^ ].*:$/ {s++; next} s == 2 && /^  / {print substr($0, 3, 22)}' | sed 's/ *$//')
    is "$lang kwhpos(1) has every command and option" "$missing" ""
    text=$(render "$d/kwhpos.ini.5" 400)
    missing=
    for kv in $(grep -oE '^ *\{"[a-z_]+:[a-z_]+"' "$KWH_TOP/src/config/config.c" | grep -oE '[a-z_]+:[a-z_]+'); do
        sect=${kv%%:*} key=${kv#*:}
        sed -n "/^\[$sect\]/,/^\[/p" <<<"$text" | grep -qE "^ +$key = " || missing="$missing [$sect] $key"
    done
    is "$lang kwhpos.ini(5) has every key the code reads" "$missing" ""
    text=$(render "$d/kwhsim.1" 400)
    missing=
    for c in $("$KWHSIM" --help | grep -oE '^  [a-z-]+( (pull|garble|mute|vanish|clear))?' | sed 's/^  //; s/ /_/'); do
        grep -qF "${c/_/ }" <<<"$text" || missing="$missing [${c/_/ }]"
    done
    is "$lang kwhsim(1) has every command" "$missing" ""
done
zh=$(render "$M/zh_CN/kwhpos.1")
like "the Chinese kwhpos(1) is Chinese, commands too" "$zh" "建立新的站点数据库"
done_testing
