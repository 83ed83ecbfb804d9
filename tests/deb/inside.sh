#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# tests/deb/inside.sh DEBS: run by check-deb.sh as root inside a fresh Debian 12 root.
# Installs, uses, upgrades, removes and purges the packages in DEBS; prints TAP.
set -u
export DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8
cp -r "$1" /tmp/debs
D=/tmp/debs
n=0
result() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; [ -n "${3:-}" ] && printf '%s\n' "$3" | tail -n 15 | sed 's/^/# /'; fi; }
ok() { local name=$1 out rc; shift; out=$("$@" 2>&1); rc=$?; result $rc "$name" "$out"; }
fails() { local name=$1 out rc; shift; out=$("$@" 2>&1); rc=$?; result $((rc == 0)) "$name" "$out"; }
is() { if [ "$2" = "$3" ]; then result 0 "$1"; else result 1 "$1" "$(printf 'got:  %s\nwant: %s' "$2" "$3")"; fi; }
like() { if printf '%s' "$2" | grep -qE -- "$3"; then result 0 "$1"; else result 1 "$1" "$(printf 'no /%s/ in:\n%s' "$3" "$2")"; fi; }
unlike() { if printf '%s' "$2" | grep -qE -- "$3"; then result 1 "$1" "$(printf 'found /%s/ in:\n%s' "$3" "$2")"; else result 0 "$1"; fi; }
step() { echo "# --- $*"; }
mode() { stat -c '%a %U:%G' "$1"; }
installed() { dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null | grep -q '^ii'; }
as_kwhpos() { runuser -u kwhpos -- "$@"; }
as_nobody() { (cd /tmp && runuser -u nobody -- "$@"); }

apt-get update -q >/dev/null 2>&1

step "install: apt-get install ./kwhpos_*.deb ./kwhpos-sim_*.deb (without recommends)"
ok "the packages install with their dependencies" \
    apt-get install -y -q --no-install-recommends "$D"/kwhpos_*.deb "$D"/kwhpos-sim_*.deb
fails "the base install pulls no CUPS" installed libcups2
fails "nor Pango" installed libpango-1.0-0
fails "nor the printing module" installed kwhpos-print
ok "a system group kwhpos" getent group kwhpos
like "and a system user kwhpos without a login" "$(getent passwd kwhpos)" '^kwhpos:x:[0-9]{3}:.*:/var/lib/kwhpos:/usr/sbin/nologin$'
is "kwhpos is setgid kwhpos" "$(mode /usr/bin/kwhpos)" "2755 root:kwhpos"
is "/var/lib/kwhpos is the group's only" "$(mode /var/lib/kwhpos)" "2770 root:kwhpos"
is "/var/backups/kwhpos too" "$(mode /var/backups/kwhpos)" "2770 root:kwhpos"
is "the INI is 0644" "$(mode /etc/kwhpos/kwhpos.ini)" "644 root:root"
like "and a conffile" "$(dpkg-query -W -f='${Conffiles}' kwhpos)" "/etc/kwhpos/kwhpos.ini"
ok "the backup timer is enabled" test -L /etc/systemd/system/timers.target.wants/kwhpos-backup.timer
fails "the backup service itself is not (the timer starts it)" \
    test -e /etc/systemd/system/multi-user.target.wants/kwhpos-backup.service
unlike "no operator in group kwhpos" "$(getent group kwhpos | cut -d: -f4)" "."

step "kwhpos init, an operator, the form"
ok "kwhpos init as root" kwhpos init --area 123456 --unit 测试物业 --phone 0571-1
is "the database is 0660 root:kwhpos" "$(mode /var/lib/kwhpos/kwhpos.db)" "660 root:kwhpos"
printf '1\nadmin-pw-1\nadmin-pw-1\n' | kwhpos --user system operator passwd >/dev/null 2>&1
printf 'admin-pw-1\nclerk-first-1\nclerk-first-1\n' | kwhpos --user system operator add --name clerk --role seller >/dev/null 2>&1
printf 'clerk-first-1\nclerk-pw-1\nclerk-pw-1\n' | kwhpos --user clerk operator passwd >/dev/null 2>&1
like "the clerk operator exists" "$(echo admin-pw-1 | kwhpos --user system operator list 2>&1)" "clerk"
like "the installed default form resolves" "$(kwhpos form check 2>&1)" "^/usr/share/kwhpos/forms/receipt80.form: ok"

step "a sale against kwhsim, as the kwhpos user"
mkdir -p /tmp/sim && chown kwhpos:kwhpos /tmp/sim
as_kwhpos kwhsim --dir /tmp/sim serve >/tmp/sim.log 2>&1 &
for _ in $(seq 100); do [ -S /tmp/sim/control.sock ] && break; sleep 0.1; done
ok "kwhsim serves the reader" test -S /tmp/sim/control.sock
sed -i 's|^port =.*|port = /tmp/sim/reader|' /etc/kwhpos/kwhpos.ini
sim() { as_kwhpos kwhsim --dir /tmp/sim "$@"; }
sim new-card zhang >/dev/null 2>&1 && sim insert zhang >/dev/null 2>&1
out=$(echo clerk-pw-1 | as_kwhpos kwhpos --user clerk open --name 张三 --meter 20240001 --tariff 1 --amount=100 --pay cash 2>&1)
like "the account is opened on a blank card" "$out" "state: done"
sim eject >/dev/null 2>&1; sim new-meter 20240001 >/dev/null 2>&1
like "the meter takes the card" "$(sim meter-insert 20240001 zhang 2>&1)" "good"
sim insert zhang >/dev/null 2>&1
out=$(echo clerk-pw-1 | as_kwhpos kwhpos --user clerk sell --customer 10000001 --amount=50 --pay=wechat 2>&1)
like "a sale" "$out" "state: done"
like "of 50 yuan" "$out" "amount: 50.00"
like "the daily report (English without [ui] language)" "$(echo clerk-pw-1 | as_kwhpos kwhpos --user clerk report daily 2>&1)" "daily report"
like "and in Chinese for LANG=zh_CN.UTF-8" "$(echo clerk-pw-1 | LANG=zh_CN.UTF-8 as_kwhpos kwhpos --user clerk report daily 2>&1)" "日报表"
h=$(kwhpos help sell)
like "kwhpos help sell gives the values of --pay" "$h" "--pay cash\|wechat\|alipay\|card\|other"
like "an example" "$h" "^  echo .* sell --customer"
like "and the exit codes, 9 too" "$h" "^  9  not printed"

out=$(echo clerk-pw-1 | as_nobody kwhpos --user clerk card read 2>&1); rc=$?
is "a reader the program may not open: exit 6" "$rc" 6
like "saying which permission is missing" "$out" "cannot open the card reader: /tmp/sim/reader belongs to kwhpos:tty with mode 0620, and kwhpos runs as user nobody with groups nogroup,kwhpos"

step "backups"
out=$(as_kwhpos kwhpos backup --if-due 2>&1)
like "backup --if-due as the timer runs it makes the first backup" "$out" "^backup /var/backups/kwhpos/kwhpos-"
b=$(ls /var/backups/kwhpos/kwhpos-*.db | head -n 1)
is "the backup is 0640, group kwhpos" "$(stat -c '%a %G' "$b")" "640 kwhpos"
is "a second backup --if-due prints nothing (nothing due)" "$(as_kwhpos kwhpos backup --if-due 2>&1)" ""

step "the attack of issue 15, as user nobody"
fails "nobody cannot read the database" as_nobody cat /var/lib/kwhpos/kwhpos.db
fails "nor list the backups" as_nobody ls /var/backups/kwhpos
fails "nor read a backup" as_nobody cat "$b"
like "nobody uses the site through the program" "$(as_nobody kwhpos settings show 2>&1)" "area_code: 123456"
mkdir -p /tmp/nob && chown nobody /tmp/nob
out=$(as_nobody kwhpos backup --dir /tmp/nob 2>&1); rc=$?
is "nobody's backup into a folder of theirs is refused (exit 4)" "$rc" 4
like "saying why" "$out" "belongs to you"
out=$(as_nobody kwhpos --db /tmp/nob/copy.db restore "$b" 2>&1); rc=$?
is "and so is restoring a backup into one (exit 4)" "$rc" 4
is "nothing of the site's is left in nobody's folder" "$(ls -A /tmp/nob)" ""
chmod 0644 /var/lib/kwhpos/kwhpos.db
out=$(as_nobody kwhpos settings show 2>&1); rc=$?
is "a database every user can read is refused" "$rc" 4
like "with the fix" "$out" "chgrp kwhpos /var/lib/kwhpos/kwhpos.db && chmod o-rwx"
chmod 0660 /var/lib/kwhpos/kwhpos.db

step "man pages, units"
apt-get install -y -q --no-install-recommends man-db systemd >/dev/null 2>&1
ok "man-db and systemd install" installed man-db
like "man kwhpos" "$(MANWIDTH=80 man kwhpos 2>&1)" "kwhpos sell"
is "renders without warnings" "$(MANWIDTH=80 man --warnings kwhpos 2>&1 >/dev/null)" ""
like "man kwhpos.ini" "$(MANWIDTH=80 man 5 kwhpos.ini 2>&1)" "idle_lock_minutes"
like "man -L zh_CN kwhpos is Chinese" "$(MANWIDTH=80 man -L zh_CN kwhpos 2>&1)" "售电"
like "man kwhsim (kwhpos-sim)" "$(MANWIDTH=80 man kwhsim 2>&1)" "meter-insert"
out=$(systemd-analyze verify /lib/systemd/system/kwhpos-backup.service /lib/systemd/system/kwhpos-backup.timer 2>&1); rc=$?
is "systemd-analyze verify: the units are clean" "$rc:$out" "0:"

step "the printing module, when wanted"
ok "apt-get install ./kwhpos-print_*.deb pulls CUPS and Pango" apt-get install -y -q --no-install-recommends "$D"/kwhpos-print_*.deb
ok "libcups2 is there now" installed libcups2
sed -e 's|^queue =.*|queue = receipt|' -e 's|^server =.*|server = 127.0.0.1:1|' /etc/kwhpos/kwhpos.ini >/tmp/print.ini
echo report >/tmp/r.txt
out=$(echo clerk-pw-1 | as_kwhpos kwhpos -c /tmp/print.ini --user clerk print-text /tmp/r.txt 2>&1)
like "the installed module is loaded and reports the missing print server" "$out" "cannot reach the print server"

step "upgrade over itself"
sales() { echo clerk-pw-1 | as_kwhpos kwhpos --user clerk query sales --format csv 2>/dev/null | grep -c '^[0-9]'; }
before=$(sales)
ok "dpkg -i of the same version again" dpkg -i "$D"/kwhpos_*.deb
is "the sales are kept" "$(sales)" "$before"
like "the administrator's INI is kept" "$(grep '^port' /etc/kwhpos/kwhpos.ini)" "/tmp/sim/reader"
is "kwhpos is still setgid kwhpos" "$(mode /usr/bin/kwhpos)" "2755 root:kwhpos"

step "remove"
mkdir -p /var/lib/kwhpos/forms && echo x >/var/lib/kwhpos/station.ini
ok "apt-get remove kwhpos kwhpos-print" apt-get remove -y -q kwhpos kwhpos-print
fails "the program is gone" test -e /usr/bin/kwhpos
ok "the database stays" test -s /var/lib/kwhpos/kwhpos.db
ok "the backups stay" test -s "$b"
ok "the INI stays (a conffile until purge)" test -s /etc/kwhpos/kwhpos.ini
ok "the user kwhpos stays" getent passwd kwhpos

step "purge"
ok "apt-get purge kwhpos" apt-get purge -y -q kwhpos
fails "the configuration is gone" test -e /etc/kwhpos
fails "the station's settings are gone" test -e /var/lib/kwhpos/station.ini
fails "and its edited forms" test -e /var/lib/kwhpos/forms
ok "the site database is kept (money records: never deleted by a package)" test -s /var/lib/kwhpos/kwhpos.db
ok "and its backups" test -s "$b"
unlike "no permission override is left" "$(dpkg-statoverride --list)" "kwhpos"
fails "the timer is no longer enabled" test -e /etc/systemd/system/timers.target.wants/kwhpos-backup.timer
rm -f /var/lib/kwhpos/kwhpos.db* /var/backups/kwhpos/*
apt-get install -y -q --no-install-recommends "$D"/kwhpos_*.deb >/dev/null 2>&1
apt-get purge -y -q kwhpos >/dev/null 2>&1
fails "without a database, purge removes /var/lib/kwhpos" test -e /var/lib/kwhpos
fails "and /var/backups/kwhpos" test -e /var/backups/kwhpos
echo "1..$n"
