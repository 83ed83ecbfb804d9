#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# No two identical originals of one invoice (docs/printing.md), through a real private
# cupsd: (1) the printer takes the whole page but keeps the connection open past
# [print] wait_seconds; (2) cupsd is stopped while the job waits for the printer, which
# comes back with cupsd's restart and prints the job then. In both, the copy that came out
# counts as the original, and the clerk's next copy is a 补打, marked and audited. A
# truncated printing module and form paths that are not regular files are refused with
# their reason, on the command line and in the terminal UI (the real kwhpos in tmux),
# where a message longer than its line is read whole with F1.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cups_lib.sh"

cups_start
D=$T/site
mkdir -p "$D/sim"
cp "$KWH_TOP/forms/receipt80.form" "$D/receipt.form"
ini() { # file queue
    cat >"$1" <<EOF
[database]
path = site.db
[reader]
port = sim/reader
baud = 115200
[print]
queue = $2
form = receipt.form
server = $T/cups.sock
wait_seconds = 3
form_backups = backups
EOF
}
K() { "$KWHPOS" -c "$D/hold.ini" "$@"; }
clerk() { local cfg=$1; shift; echo clerk123 | "$KWHPOS" -c "$D/$cfg" --user clerk "$@"; }
sim() { "$KWHSIM" --dir "$D/sim" "$@" >/dev/null; }
sq() { sqlite3 "$D/site.db" "$1"; }
gb() { printf '%s' "$1" | iconv -f UTF-8 -t GB18030; }
has_gb() { LC_ALL=C grep -qF -- "$(gb "$2")" "$1"; }
originals() { # pages among FILES... without a 补打 mark
    local n=0 f
    for f in "$@"; do [ -s "$f" ] && ! has_gb "$f" 补打 && n=$((n + 1)); done
    echo $n
}

ini "$D/hold.ini" hold
ini "$D/late.ini" late
K init --area 888888 --unit 幸福小区物业 >/dev/null
printf '1\nadmin123\nadmin123\n' | K --user system operator passwd >/dev/null
printf 'admin123\nclerk-first-1\nclerk-first-1\n' | K --user system operator add --name clerk \
    --role seller >/dev/null
printf 'clerk-first-1\nclerk123\nclerk123\n' | K --user clerk operator passwd >/dev/null
"$KWHSIM" --dir "$D/sim" serve --baud 115200 2>"$T/sim.log" &
sim_pid=$!
on_exit "kill $sim_pid 2>/dev/null; wait $sim_pid 2>/dev/null"
ok "the simulated reader is up" wait_for 10 test -e "$D/sim/reader"
sim new-meter 20240001
sim new-card zhang
sim insert zhang
ok "an account with a first purchase (invoice 1)" clerk hold.ini open --name 张三 --meter 20240001 \
    --tariff 居民生活用电 --kwh 100
sim eject && sim meter-insert 20240001 zhang && sim insert zhang
ok "a sale (invoice 2)" clerk hold.ini sell --customer 10000001 --amount 20

# --- 1. the printer takes the page and keeps the line open -------------------------------
listener hold held
add_queue -p hold -E -v "socket://127.0.0.1:$port" -m raw
out=$(clerk hold.ini print 1 2>&1); rc=$?
ok "the printer has the page" test -s "$T/held.bin"
is "kwhpos print does not call it 'not printed' (exit 0)" "$rc" 0
like "it says the printer took it and it counts as printed" "$out" \
    "took the whole of job [0-9]+ but did not say it printed it .*counted as printed: if no page came out, print a 补打 copy"
is "the original is recorded" "$(sq 'select printed > 0 from sales where invoice_no = 1')" 1
ok "and the job does not stay in the queue" wait_for 10 no_jobs hold
out=$(clerk hold.ini print 1 2>&1); rc=$?
is "a second original is refused (exit 5)" "$rc" 5
like "the clerk is told to print a 补打" "$out" 'already printed .*补打发票'
kill "$listener_pid" 2>/dev/null
listener many hold2
lpadmin -p hold -v "socket://127.0.0.1:$port"
out=$(clerk hold.ini print 1 --reprint 2>&1)
like "the next copy is a 补打" "$out" 'copy: 补打\(第1次\)'
ok "it comes out" wait_for 10 test -s "$T/hold2.1.bin"
ok "marked 补打(第1次)" has_gb "$T/hold2.1.bin" "补打(第1次)"
is "one original of invoice 1 came out" "$(originals "$T/held.bin" "$T/hold2.1.bin")" 1
like "the audit names the job of the original" \
    "$(sq "select after from audit where op = 'invoice-print' and subject = 'invoice 1' order by id limit 1")" \
    "copy=original to=queue hold job [0-9]+"

# --- 2. cupsd stopped while the job waits for the printer; it prints at the restart -------
late=$(free_port)
add_queue -p late -E -v "socket://127.0.0.1:$late" -m raw
clerk late.ini print 2 >"$T/late.out" 2>&1 &
print_pid=$!
ok "the job waits for the printer (nothing listens yet)" \
    wait_for 10 sh -c "lpstat -W not-completed -o late | grep -q late"
job=$(lpstat -W not-completed -o late | awk '{print $1}' | sed 's/.*-//')
kill "$cupsd_pid"
wait "$cupsd_pid" 2>/dev/null
wait "$print_pid"
rc=$?
is "kwhpos reports that the invoice did not print (exit 9)" "$rc" 9
like "saying it may still print" "$(cat "$T/late.out")" \
    "invoice 2 may not have printed: the print server .* stopped answering while job $job"
is "the invoice is not recorded as printed" "$(sq 'select printed from sales where invoice_no = 2')" 0
like "its job is remembered" "$(sq "select value from settings where key like 'print-job/%'")" "^$job	0	"
out=$(clerk late.ini print 2 2>&1); rc=$?
is "while the server is down, the original is refused (exit 5)" "$rc" 5
like "saying its job is not accounted for yet" "$out" \
    "a copy of invoice 2 went to printer 'late' as job $job .* not known yet"
# the printer is back, then cupsd: it prints the job it kept
listener once late "$late"
cupsd -f -c "$T/cups/etc/cupsd.conf" -s "$T/cups/etc/cups-files.conf" >>"$T/cups/log/stdout" 2>&1 &
cupsd_pid=$!
on_exit "kill $cupsd_pid 2>/dev/null; wait $cupsd_pid 2>/dev/null"
ok "cupsd is back" wait_for 10 _cups_up
ok "and prints the kept job: the page comes out late" wait_for 90 test -s "$T/late.bin"
ok "as an original" test "$(originals "$T/late.bin")" = 1
out=$(clerk late.ini print 2 2>&1); rc=$?
is "the clerk's next original is refused (exit 5)" "$rc" 5
like "the job was looked into: invoice 2 counts as printed" "$out" 'already printed .*补打发票'
is "recorded as printed" "$(sq 'select printed > 0 from sales where invoice_no = 2')" 1
is "the job is no longer open" "$(sq "select count(*) from settings where key like 'print-job/%'")" 0
like "audited with how it was found" \
    "$(sq "select after from audit where op = 'invoice-print' and subject = 'invoice 2'")" \
    "copy=original to=queue late job $job printed \(found later\)"

# --- a truncated printing module: refused before dlopen, never SIGBUS ------------------------
head -c 20000 "$KWH_BUILD/kwhpos-print.so" >"$T/cut.so"
reprints=$(sq 'select reprints from sales where invoice_no = 2')
out=$(KWHPOS_PRINT_MODULE=$T/cut.so clerk hold.ini print 2 --reprint 2>&1); rc=$?
is "kwhpos print with a truncated module: exit 1, not SIGBUS (135)" "$rc" 1
like "cannot load the printing module … cut short … reinstall" "$out" \
    "cannot load the printing module .*cut\.so: the file is cut short; reinstall kwhpos"
is "no 补打 was counted" "$(sq 'select reprints from sales where invoice_no = 2')" "$reprints"

# --- form paths that are not files ------------------------------------------------------------
mkfifo "$D/pipe.form"
mkdir "$D/dir.form"
sed 's/^form = .*/form = pipe.form/' "$D/hold.ini" >"$D/pipe.ini"
sed 's/^form = .*/form = dir.form/' "$D/hold.ini" >"$D/dir.ini"
out=$(timeout 10 "$KWHPOS" -c "$D/pipe.ini" form check 2>&1); rc=$?
is "form check on a FIFO returns (exit 2), it does not wait" "$rc" 2
like "saying it is a named pipe" "$out" "pipe\.form is a named pipe \(FIFO\), not a file"
out=$(timeout 10 "$KWHPOS" -c "$D/dir.ini" form check 2>&1)
like "a directory: says it is one" "$out" "dir\.form is a directory, not a file"
out=$(echo clerk123 | timeout 10 "$KWHPOS" -c "$D/pipe.ini" --user clerk form backup 2>&1); rc=$?
is "form backup of a FIFO: exit 2" "$rc" 2
like "with the reason" "$out" "named pipe"
out=$(timeout 10 sh -c "echo clerk123 | '$KWHPOS' -c '$D/pipe.ini' --user clerk print 2 --reprint" 2>&1); rc=$?
is "printing with a FIFO form: exit 2, at once" "$rc" 2
like "no form to print with, and why" "$out" "no invoice form to print with: .*named pipe"

# --- the terminal UI -----------------------------------------------------------------------
SOCK=kwhpf$$
tx() { tmux -L "$SOCK" -f /dev/null "$@"; }
on_exit 'tx kill-server 2>/dev/null'
ui_start() { # INI [ENV=VALUE...]
    local ini=$1
    shift
    tx kill-server 2>/dev/null
    rm -f "$T/ui.pid"
    tx new-session -d -x 80 -y 24 -s ui "cd $D && echo \$\$ >$T/ui.pid && exec env \
        TERM=xterm-256color LC_ALL=C.UTF-8 KWHPOS_LOCALEDIR=$KWH_BUILD/locale $* $KWHPOS \
        -c $D/$ini 2>>$T/ui.err"
    wait_for 10 test -s "$T/ui.pid"
}
screen() { tx capture-pane -t ui -p 2>/dev/null; }
has() { screen | grep -qF -- "$1"; }
see() { wait_for "${2:-10}" has "$1"; }
keys() { tx send-keys -t ui "$@"; }
alive() { grep -qE '^State:\s+[^Z]' "/proc/$(cat "$T/ui.pid")/status" 2>/dev/null; }
ui_login() { see "系统登录" && keys -l "$1" && keys Tab && keys -l "$2" && keys Enter && see "打开菜单"; }

echo clerk123 | "$KWHPOS" -c "$D/hold.ini" --user clerk form backup >/dev/null
ui_start hold.ini KWHPOS_PRINT_MODULE=$T/cut.so
ok "the UI: a seller logs in" ui_login clerk clerk123
keys F9 3 4
ok "补打发票 lists the invoices" see "补打次数"
keys Down Enter
ok "asks to print a 补打" see "次补打"
keys Enter
ok "the damaged module is reported on the message line" see "无法加载打印模块" 20
ok "kwhpos is still running (no SIGBUS)" alive
line=$(screen | sed -n 22p)
like "the message is longer than its line: it says F1 shows it whole" "$line" "\[F1 看全文\]"
unlike "its end is not on the line" "$line" "请重新安装"
keys F1
# the dialog wraps the text: read it without its borders and line breaks
whole() { screen | tr -d ' │\n' | grep -qF "请重新安装kwhpos"; }
ok "F1 shows the whole message, what to do included" wait_for 10 whole
like "in a dialog titled 消息" "$(screen)" "消息"
keys Enter
keys F1
ok "the next F1 is the help again" see "F10"
keys Escape
is "no 补打 was counted" "$(sq 'select reprints from sales where invoice_no = 2')" "$reprints"

# the designer: an item moved onto another says which one, in Chinese
keys Escape
keys F9 1 3
ok "the designer (a seller's 发票格式调整) shows the form" see "{unit"
keys Tab Tab Up Up
ok "moving onto another item is refused, naming it in Chinese" see "该位置已被"
unlike "no English inside the Chinese message" "$(screen | sed -n 22p)" "field|taken"
keys F8
ok "F8 asks first: the layout was changed" see "放弃修改"
keys Enter
ok "F8 opens 发票恢复" see "选择要恢复的发票格式备份"
keys Enter
ok "a saved copy is chosen" see "用以下备份替换"
keys Enter
ok "a seller is refused" see "需要管理员权限（发票恢复）"
unlike "in Chinese only" "$(screen | sed -n 22p)" "restoring"
tx kill-server 2>/dev/null

# the designer on a form that is a named pipe: never waits, says why, offers only F8
ui_start pipe.ini
ok "an administrator logs in" ui_login system admin123
keys F9 1 7
ok "the designer opens (a FIFO does not freeze it)" see "发票格式" 10
keys Escape
ok "and says why the form cannot be read" see "命名管道"
hint=$(screen | sed -n 23p)
unlike "its hint line offers no F2, F5, F7 or Enter: they would do nothing" "$hint" "F2|F5|F7|Enter"
like "only F8 (a saved copy back) and the global keys" "$hint" "F8"
ok "kwhpos is still running" alive
tx kill-server 2>/dev/null
done_testing
