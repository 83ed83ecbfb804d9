#!/bin/bash
# kwh-run: once
# `make install` into a staging root: the programs, forms, catalogues, docs and the INI
# with the prefix's paths; the installed kwhpos finds its catalogue under
# PREFIX/share/locale with no environment help, and the installed INI works as given.
. "$(dirname "$0")/lib.sh"

ROOT=$T/root
PREFIX=/opt/kwh
ok "make install succeeds" make -s -C "$KWH_TOP" B="$KWH_BUILD" DESTDIR="$ROOT" PREFIX="$PREFIX" install
for f in bin/kwhpos bin/kwhsim lib/kwhpos/kwhpos-print.so share/kwhpos/forms/receipt80.form share/kwhpos/forms/receipt58.form \
    share/locale/zh_CN/LC_MESSAGES/kwhpos.mo share/doc/kwhpos/README.md share/doc/kwhpos/cli.md; do
    ok "installed: $f" test -s "$ROOT$PREFIX/$f"
done
ini=$ROOT/etc/kwhpos/kwhpos.ini
ok "installed: /etc/kwhpos/kwhpos.ini" test -s "$ini"
like "the INI names the installed form" "$(grep '^form' "$ini")" "^form = $PREFIX/share/kwhpos/forms/receipt80.form$"
is "the INI is not world-readable" "$(stat -c %a "$ini")" 640

# a second install keeps the administrator's INI
echo "; edited" >>"$ini"
make -s -C "$KWH_TOP" B="$KWH_BUILD" DESTDIR="$ROOT" PREFIX="$PREFIX" install >/dev/null 2>&1
like "a second install keeps an edited INI" "$(tail -1 "$ini")" '^; edited$'

# The installed program, moved away from the build tree: its catalogue is the one under
# PREFIX/share/locale. Mark the installed catalogue so the screen shows which was read.
sed 's/系统登录/安装登录/' "$KWH_TOP/po/zh_CN.po" >"$T/mark.po"
msgfmt -o "$ROOT$PREFIX/share/locale/zh_CN/LC_MESSAGES/kwhpos.mo" "$T/mark.po"
site=$T/site
mkdir -p "$site"
sed -e "s|^path = .*|path = $site/kwhpos.db|" -e "s|$PREFIX/|$ROOT$PREFIX/|" "$ini" >"$site/kwhpos.ini"
printf '[ui]\nlanguage = zh_CN\n' >>"$site/kwhpos.ini"
K=$ROOT$PREFIX/bin/kwhpos
ok "the installed kwhpos initialises a site with the installed INI" \
    "$K" -c "$site/kwhpos.ini" init --area 123456 --unit 测试 --phone 1
# the printing module: a print server that does not answer is reported by the module's
# CUPS client, so the installed program loaded it from PREFIX/lib/kwhpos
sed -i -e 's/^queue =.*/queue = receipt/' -e 's/^server =.*/server = 127.0.0.1:1/' "$site/kwhpos.ini"
printf '1\nnew-pass-1\nnew-pass-1\n' | "$K" -c "$site/kwhpos.ini" --user system operator passwd >/dev/null 2>&1
echo "a report" >"$T/report.txt"
out=$(echo new-pass-1 | env -u KWHPOS_PRINT_MODULE "$K" -c "$site/kwhpos.ini" --user system print-text "$T/report.txt" 2>&1)
like "the installed kwhpos prints through its module in PREFIX/lib/kwhpos" "$out" 'cannot reach the print server'
ok "the installed form parses" "$K" -c "$site/kwhpos.ini" form check "$ROOT$PREFIX/share/kwhpos/forms/receipt80.form"

SOCK=kwhinst$$
tm() { tmux -L "$SOCK" -f /dev/null "$@"; }
on_exit "tmux -L $SOCK kill-server 2>/dev/null"
tm new-session -d -s i -x 80 -y 24 \
    "env -u KWHPOS_LOCALEDIR TERM=xterm-256color LC_ALL=C.UTF-8 $K -c $site/kwhpos.ini; sleep 30"
shows() { tm capture-pane -p -t i | grep -qF -- "$1"; }
if wait_for 15 shows "安装登录"; then _t_result 0 "the installed kwhpos reads PREFIX/share/locale"
else _t_result 1 "the installed kwhpos reads PREFIX/share/locale" "$(tm capture-pane -p -t i)"; fi
tm send-keys -t i Escape
done_testing
