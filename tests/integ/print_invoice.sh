#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Invoices from the command line through a real, private CUPS: sales on the simulator,
# their invoices to a raw socket printer (GB18030 bytes), 补打 copies marked and counted,
# a PDF queue read back with pdftotext, a stopped queue, a missing queue and a server
# that is down (the sale stays committed and prints later), --print on a sale, reports,
# and the form file (check, backup, restore for admins).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cups_lib.sh"

cups_start
# fontconfig, under Pango, keeps its parsed configuration for the life of the process
printf 'leak:libfontconfig.so\n' >"$T/lsan.supp"
export LSAN_OPTIONS=suppressions=$T/lsan.supp

D=$T/site
mkdir -p "$D/sim"
cp "$KWH_TOP/forms/receipt80.form" "$D/receipt.form"
ini() { # file queue mode [server]
    cat >"$1" <<EOF
[database]
path = site.db
[reader]
port = sim/reader
baud = 115200
[print]
queue = $2
mode = $3
form = receipt.form
server = ${4:-$T/cups.sock}
wait_seconds = 20
form_backups = backups
EOF
}
ini "$D/kwhpos.ini" raw raw
ini "$D/pdf.ini" pdf pdf
ini "$D/missing.ini" nosuch raw
ini "$D/down.ini" raw raw "$T/none.sock"
ini "$D/off.ini" "" raw
K() { "$KWHPOS" -c "$D/kwhpos.ini" "$@"; }
clerk() { local cfg=$1; shift; echo clerk123 | "$KWHPOS" -c "$D/$cfg" --user clerk "$@"; }
admin() { echo admin123 | "$KWHPOS" -c "$D/kwhpos.ini" --user system "$@"; }
sim() { "$KWHSIM" --dir "$D/sim" "$@" >/dev/null; }
sq() { sqlite3 "$D/site.db" "$1"; }
flat() { printf '%s' "$1" | tr '\n' '~'; } # one line, '~' between lines, for patterns
gb() { printf '%s' "$1" | iconv -f UTF-8 -t GB18030; }
has_gb() { LC_ALL=C grep -qF -- "$(gb "$2")" "$1"; }
# the card's last purchase goes into the meter and the card comes back to the reader
to_meter_and_back() { sim eject && sim meter-insert 20240001 zhang && sim insert zhang; }

K init --area 888888 --unit 幸福小区物业 --phone 0571-88886666 >/dev/null
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
out=$(clerk kwhpos.ini open --name 张三 --address "一号楼 1单元 101" --meter 20240001 \
      --tariff 居民生活用电 --kwh 100 2>&1)
like "an account is opened with a first purchase (invoice 1)" "$out" '^invoice: 1$'
to_meter_and_back
out=$(clerk kwhpos.ini sell --customer 10000001 --amount 128.50 2>&1)
like "a daily sale is committed (invoice 2)" "$(flat "$out")" '^kind: sale~.*~invoice: 2~state: done~'

# ---- raw: a socket printer receives the GB18030 page ----------------------------------
listener many raw
add_queue -p raw -E -v "socket://127.0.0.1:$port" -m raw
out=$(clerk kwhpos.ini print 2 2>&1)
like "kwhpos print prints the original and names the job" "$(flat "$out")" \
    '^invoice: 2~copy: original~job: [0-9]+$'
ok "the printer received the job" wait_for 10 test -f "$T/raw.1.bin"
ok "the bytes carry the customer's name in GB18030" has_gb "$T/raw.1.bin" 张三
ok "and the kind of sale 日常售电" has_gb "$T/raw.1.bin" 日常售电
ok "and the amount in capitals" has_gb "$T/raw.1.bin" 壹佰贰拾捌元伍角
page=$(iconv -f GB18030 -t UTF-8 <"$T/raw.1.bin" | tr -d '\r')
like "the page has the unit's name" "$page" '^ +幸福小区物业$'
like "the invoice number" "$page" '^票号：00000002 '
like "the amount" "$page" '^金额：    ￥     128\.50 元$'
unlike "the original carries no reprint mark" "$page" '补打'
is "lines end with CR LF" "$(head -c 200 "$T/raw.1.bin" | tr -cd '\r' | wc -c)" \
    "$(head -c 200 "$T/raw.1.bin" | tr -cd '\n' | wc -c)"
is "the first copy is recorded" "$(sq 'SELECT printed > 0, reprints FROM sales WHERE invoice_no = 2')" '1|0'

out=$(clerk kwhpos.ini print 2 2>&1); rc=$?
is "a second original is refused (exit 5)" "$rc" 5
like "and the clerk is told to use 补打" "$out" 'already printed .*补打发票'

for n in 1 2; do
    out=$(clerk kwhpos.ini print 2 --reprint 2>&1)
    like "补打 $n is printed and counted" "$(flat "$out")" "^invoice: 2~copy: 补打\\(第${n}次\\)~job: [0-9]+$"
    ok "补打 $n reaches the printer" wait_for 10 test -f "$T/raw.$((n + 1)).bin"
    ok "and carries 补打(第${n}次)" has_gb "$T/raw.$((n + 1)).bin" "补打(第${n}次)"
done
is "the sale counts two reprints" "$(sq 'SELECT reprints FROM sales WHERE invoice_no = 2')" 2
out=$(clerk kwhpos.ini invoices)
like "the invoice list shows both invoices, newest first" "$(flat "$out")" \
    $'^00000002\t[0-9-]+ [0-9:]+\tsale\tdone\t10000001\t张三\t128\\.50\tclerk\t2\tprinted~00000001\t.*\topen\tdone\t.*\t52\\.83\tclerk\t0\tnot-printed$'
out=$(clerk kwhpos.ini invoices --operator system)
is "filtered by another operator it is empty" "$out" ""
out=$(clerk kwhpos.ini invoices --before 2 --limit 5)
like "paging below invoice 2 shows invoice 1" "$out" '^00000001	'

# ---- PDF: a file printer, read back ---------------------------------------------------
add_queue -p pdf -E -v "file:$T/invoice.pdf" -P "$PDF_PPD"
out=$(clerk pdf.ini print 1 2>&1)
like "invoice 1 goes to the PDF queue" "$(flat "$out")" 'copy: original~job: [0-9]+$'
ok "the PDF is written" wait_for 20 test -s "$T/invoice.pdf"
txt=$(pdftotext -layout "$T/invoice.pdf" - 2>&1)
like "pdftotext reads the kind 开户购电" "$txt" '开户购电'
like "the customer and the invoice number" "$txt" '用户名称：张三'
like "the invoice number" "$txt" '票号：00000001'
like "the amount in capitals" "$txt" '大写金额：伍拾贰元捌角叁分'
out=$(clerk kwhpos.ini print 1 --reprint --file "$T/copy.pdf" --format pdf 2>&1)
like "a 补打 can be written to a PDF file" "$(flat "$out")" 'copy: 补打\(第1次\)~file: '
like "and the file reads back with its mark" "$(pdftotext "$T/copy.pdf" - 2>&1)" '补打\(第1次\)'

# ---- the printing module missing or damaged: a clear message, nothing written -----------
out=$(KWHPOS_PRINT_MODULE=$T/gone.so clerk kwhpos.ini print 1 --reprint --file "$T/nomod.pdf" --format pdf 2>&1); rc=$?
ok "without the printing module the PDF fails" test "$rc" -ne 0
like "it names the module and says to reinstall" "$out" 'cannot load the printing module .*gone\.so.*reinstall kwhpos'
ok "and writes no file" test ! -e "$T/nomod.pdf"
is "nor counts a 补打 copy" "$(sq "SELECT reprints FROM sales WHERE invoice_no = 1")" 1
echo "not a library" >"$T/junk.so"
out=$(KWHPOS_PRINT_MODULE=$T/junk.so clerk kwhpos.ini print 1 --reprint --file "$T/nomod.pdf" --format pdf 2>&1)
like "a damaged module is refused the same way" "$out" 'cannot load the printing module .*junk\.so'
out=$(KWHPOS_PRINT_MODULE=$T/junk.so clerk kwhpos.ini print 1 --reprint --file "$T/raw.txt" --format raw 2>&1); rc=$?
is "raw output to a file needs no module" "$rc" 0
is "and that copy is counted" "$(sq "SELECT reprints FROM sales WHERE invoice_no = 1")" 2

# ---- a stopped queue: the sale is done, the invoice prints later ------------------------
to_meter_and_back
cupsdisable -r "paper jam" raw
out=$(clerk kwhpos.ini sell --customer 10000001 --amount 20 --print 2>&1); rc=$?
is "a sale whose invoice cannot print exits 9" "$rc" 9
like "the receipt is shown: the sale is done" "$(flat "$out")" 'kind: sale~.*~invoice: 3~state: done~'
like "the clerk is told why and how to print it later" "$out" \
    "the sale is done \(invoice 3\) but its invoice did not print: .*printer 'raw' is stopped \(paper jam\).*kwhpos print 3"
is "the sale is committed" "$(sq 'SELECT state, amount_fen, printed FROM sales WHERE invoice_no = 3')" '1|2000|0'
like "kwhpos show counts the purchase" "$(clerk kwhpos.ini show --customer 10000001)" 'purchase_count: 3'
ok "no job was left on the stopped queue" no_jobs raw
cupsenable raw
out=$(clerk kwhpos.ini print 3 2>&1)
like "once resumed, the invoice prints as the original" "$(flat "$out")" 'copy: original~job: [0-9]+$'
ok "and reaches the printer" wait_for 10 test -f "$T/raw.4.bin"
page=$(iconv -f GB18030 -t UTF-8 <"$T/raw.4.bin" | tr -d '\r')
like "with its number" "$page" '^票号：00000003 '
like "and amount" "$page" '^金额：    ￥      20\.00 元$'
unlike "unmarked" "$page" '补打'

# ---- a missing queue and a server that is down ------------------------------------------
to_meter_and_back
out=$(clerk missing.ini sell --customer 10000001 --amount 10 --print 2>&1); rc=$?
is "a missing queue after a sale exits 9" "$rc" 9
like "naming the queue and what to do" "$out" \
    "invoice 4 was not printed: no print queue 'nosuch' on the print server .*lpstat -p"
is "the sale is committed" "$(sq 'SELECT state FROM sales WHERE invoice_no = 4')" 1
out=$(clerk down.ini print 4 2>&1); rc=$?
is "a print server that is down exits 9" "$rc" 9
like "and says so" "$out" "cannot reach the print server $T/none.sock"
out=$(clerk kwhpos.ini print 4 2>&1)
like "invoice 4 prints later on the right queue" "$(flat "$out")" 'copy: original~job: [0-9]+$'
ok "and reaches the printer" wait_for 10 test -f "$T/raw.5.bin"

# ---- --print when nothing could print: nothing is sold ------------------------------------
to_meter_and_back
out=$(clerk off.ini sell --customer 10000001 --amount 10 --print 2>&1); rc=$?
is "with printing off, sell --print refuses (exit 1)" "$rc" 1
like "before selling" "$out" 'nothing was sold.*printing is off: set \[print\] queue'
is "no sale was recorded" "$(sq 'SELECT count(*) FROM sales')" 4
out=$(clerk kwhpos.ini sell --customer 10000001 --amount 10 --print 2>&1); rc=$?
is "sell --print with a working printer exits 0" "$rc" 0
like "and reports the job" "$(flat "$out")" '~invoice: 5~.*~printed: job [0-9]+$'
ok "the invoice reaches the printer" wait_for 10 test -f "$T/raw.6.bin"
ok "as 日常售电 with its amount in capitals" has_gb "$T/raw.6.bin" 壹拾元整

# ---- a report's text through the same queue ---------------------------------------------
printf '售电日报 2026-11-24\n合计\t5 笔\n' >"$T/report.txt"
out=$(clerk kwhpos.ini print-text "$T/report.txt" --title daily 2>&1)
like "print-text sends a report to the invoice printer" "$out" '^job: [0-9]+$'
ok "it reaches the printer" wait_for 10 test -f "$T/raw.7.bin"
ok "in GB18030, tabs expanded" has_gb "$T/raw.7.bin" "合计    5 笔"

# ---- the form file ------------------------------------------------------------------------
out=$(K form check "$KWH_TOP/forms/invoice24.form")
like "form check accepts the shipped invoice" "$out" "invoice24.form: ok: '24 cm invoice', 80 columns, 33 lines"
printf 'width 32\n---\n金额：{amout}\n' >"$T/bad.form"
out=$(K form check "$T/bad.form" 2>&1); rc=$?
is "a bad form is a usage error (exit 2)" "$rc" 2
like "reported with file, line and column" "$out" "bad.form:3:8: unknown variable 'amout' \(did you mean 'amount'\?\)"
out=$(clerk kwhpos.ini form backup 2>&1)
like "a seller saves the form (保存发票格式)" "$out" "^$D/backups/receipt-[0-9]{8}-[0-9]{6}\.form$"
name=$(basename "$out")
is "form backups lists it" "$(K form backups)" "$name"
cp "$T/bad.form" "$D/receipt.form"
out=$(clerk kwhpos.ini form restore "$name" 2>&1); rc=$?
is "a seller may not restore a form (exit 4)" "$rc" 4
like "restoring is for administrators" "$out" '发票恢复.*管理员'
out=$(admin form restore "$name" 2>&1)
like "an administrator restores it (恢复发票格式) into the station's forms/" "$out" "^$D/forms/receipt.form restored from $name"
ok "the form in use is the saved one again" cmp "$D/forms/receipt.form" "$D/backups/$name"
ok "the INI's form file is not written" cmp "$D/receipt.form" "$T/bad.form"
like "and it is the form in use" "$(K form check)" "^$D/forms/receipt.form: ok"
out=$(admin form restore "$T/bad.form" 2>&1); rc=$?
is "a bad saved form is refused (exit 2)" "$rc" 2
ok "and the form is unchanged" cmp "$D/forms/receipt.form" "$D/backups/$name"

is "the audit log records copies and form changes" \
    "$(sq "SELECT count(*) FROM audit WHERE op IN ('invoice-print', 'invoice-reprint', 'form-backup', 'form-restore')")" 15
like "and its chain is intact" "$(K audit verify)" 'intact'
out=$(clerk kwhpos.ini print nonsense 2>&1); rc=$?
is "a bad invoice number is a usage error" "$rc" 2
out=$(clerk kwhpos.ini print 99 2>&1); rc=$?
is "an unknown invoice exits 3" "$rc" 3
like "and says so" "$out" 'no invoice 99'

done_testing
