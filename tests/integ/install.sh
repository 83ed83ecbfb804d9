#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# kwh-run: once
# `make install` into a staging root: the programs, forms, catalogues, man pages, docs,
# units and the INI (0644, never written by the program), /var/lib/kwhpos; the installed
# kwhpos finds its catalogue, printing module and default form under PREFIX with no
# environment help and no path of the build tree, and the installed INI works as given.
. "$(dirname "$0")/lib.sh"

ROOT=$T/root
PREFIX=/opt/kwh
ok "make install succeeds" make -s -C "$KWH_TOP" B="$KWH_BUILD" DESTDIR="$ROOT" PREFIX="$PREFIX" install
for f in bin/kwhpos bin/kwhsim lib/kwhpos/kwhpos-print.so share/kwhpos/forms/receipt80.form share/kwhpos/forms/receipt58.form \
    share/locale/zh_CN/LC_MESSAGES/kwhpos.mo share/doc/kwhpos/README.md share/doc/kwhpos/cli.md \
    share/man/man1/kwhpos.1 share/man/man1/kwhsim.1 share/man/man5/kwhpos.ini.5 share/man/man5/kwhpos-form.5 \
    share/man/zh_CN/man1/kwhpos.1 share/man/zh_CN/man5/kwhpos.ini.5 libexec/kwhpos/kwhpos-kiosk \
    share/doc/kwhpos/examples/kwhpos-kiosk.service share/doc/kwhpos/examples/README.kiosk; do
    ok "installed: $f" test -s "$ROOT$PREFIX/$f"
done
ini=$ROOT/etc/kwhpos/kwhpos.ini
ok "installed: /etc/kwhpos/kwhpos.ini" test -s "$ini"
is "the INI is 0644: it holds no secret, and the backup service reads it" "$(stat -c %a "$ini")" 644
ok "installed: /var/lib/kwhpos" test -d "$ROOT/var/lib/kwhpos"
is "/var/lib/kwhpos is 2770" "$(stat -c %a "$ROOT/var/lib/kwhpos")" 2770
ok "installed: the backup timer" test -s "$ROOT/etc/systemd/system/kwhpos-backup.timer"
like "the backup service runs the installed program" \
    "$(grep '^ExecStart' "$ROOT/etc/systemd/system/kwhpos-backup.service")" "^ExecStart=$PREFIX/bin/kwhpos "
unlike "no path of the build tree in the program" "$(strings "$ROOT$PREFIX/bin/kwhpos")" "$KWH_TOP|$KWH_BUILD"

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
sed -e "s|^path = .*|path = $site/kwhpos.db|" -e "s|^dir = /var/backups/kwhpos|dir = $site/backups|" "$ini" >"$site/kwhpos.ini"
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
like "the installed kwhpos prints through its module in PREFIX/lib/kwhpos (in the INI's language)" "$out" '无法连接打印服务器'
out=$("$K" -c "$site/kwhpos.ini" form check 2>&1)
like "without [print] form, form check finds the installed receipt80.form" "$out" \
    "^$ROOT$PREFIX/share/kwhpos/forms/receipt80.form: ok"
cp "$ini" "$T/ini.before"
out=$("$K" -c "$ini" settings show 2>&1 || true)
ok "the program does not write the INI" cmp "$ini" "$T/ini.before"

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
