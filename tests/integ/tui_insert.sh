#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The card reads itself when it is put in (kwhpos in tmux on a PC/SC reader: a private
# pcscd with vpcd, kwhsim the card; LOOP_READER=serial runs it on the serial reader):
# on 日常售电 a daily sale is insert the card, type the amount, Enter, Enter, with no F2;
# the card taken out takes the customer off the screen; the status line follows the
# reader. And typing in a dialog field sends the terminal only the field.
: "${LOOP_READER:=pcsc}"
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tui_lib.sh"
. "$(dirname "$0")/loop_lib.sh"

A=10000001 M1=12345678

start_sim
ok "the card is played behind the $LOOP_READER reader" test -S "$D/control.sock"
ok "a site" new_site "$INI" "$DB" 123456
printf '[ui]\nlanguage = en\n' >>"$INI"
sim new-meter $M1 >/dev/null
sim new-card c1 >/dev/null
sim insert c1 >/dev/null
run kp open --name 张三 --meter $M1 --tariff 居民生活用电 --kwh 100
is "an account opened from the command line" "$RC $(kv customer)" "0 $A"
sim eject >/dev/null
is "its meter takes the card" "$(mi $M1 c1)" good

# the terminal UI itself (kwhpos), on the site's INI
_tmux new-session -d -x 80 -y 24 -s ui \
    "env TERM=xterm-256color LC_ALL=C.UTF-8 KWHPOS_LOCALEDIR=$KWHPOS_LOCALEDIR \
     PCSCLITE_CSOCK_NAME=${PCSCLITE_CSOCK_NAME:-} ASAN_OPTIONS=${ASAN_OPTIONS:-} \
     LSAN_OPTIONS=suppressions=$KWH_TOP/tests/integ/tui_lsan.supp \
     $KWHPOS -c $INI 2>$T/ui.err; echo \"[exit \$?]\"; sleep 600"
_tmux set-option -t ui remain-on-exit on >/dev/null
tui_see "the login dialog" "kwhpos login"

# --- typing in a dialog field: only the field goes to the terminal -------------------------
sleep 1.1 # past a clock tick, so the first key does not meet one
_tmux pipe-pane -t ui -o "cat >>$T/tty.out"
wait_for 5 test -e "$T/tty.out"
sizes=()
for k in a b c d e f g; do
    before=$(stat -c %s "$T/tty.out")
    tui_type "$k"
    wait_for 5 eval '[ "$(stat -c %s "$T/tty.out")" -gt '"$before"' ]'
    sleep 0.1
    sizes+=($(($(stat -c %s "$T/tty.out") - before)))
done
_tmux pipe-pane -t ui
median=$(printf '%s\n' "${sizes[@]}" | sort -n | sed -n 4p)
ok "a key in the login dialog sends only the field ($median bytes; ${sizes[*]})" test "$median" -le 64
tui_keys C-u

tui_login system "$PW"
tui_see "logged in" "F9 or Enter opens the menu"
like "the status line says the reader has no card" "$(tui_status)" "Reader: no card"

# --- a daily sale: insert, amount, Enter, Enter --------------------------------------------
tui_menu 3 1
tui_see "the daily sale screen waits for a card" "No customer yet"
sim insert c1 >/dev/null
tui_see "the card is read as it goes in" "张三" 10
like "the status line names the card" "$(tui_status)" "User card meter $M1"
tui_type "50"; tui_keys Enter
tui_see "Enter asks for the confirmation" "Take the money and write the card?"
tui_keys Enter
tui_see "Enter sells" "Sold" 20
is "the sale of 50 yuan is done, no F2 pressed" \
    "$(q "SELECT kind, state, amount_fen FROM sales ORDER BY id DESC LIMIT 1")" "2|1|5000"
is "card and database agree" "$(card_active c1)" "$(db_slot $A)"

# --- the card taken out: the customer leaves the screen -------------------------------------
sim eject >/dev/null
tui_see "the card taken out clears the customer" "No customer yet" 10
like "and the status line says so" "$(tui_status)" "Reader: no card"
is "the meter takes the purchase" "$(mi $M1 c1)" good

# --- put in while a dialog is open: read once the dialog is closed ---------------------------
tui_keys F1
tui_see "a dialog is open" "Enter: continue"
sim insert c1 >/dev/null
wait_for 5 eval '[[ "$(tui_status)" == *"card inserted"* ]]'
tui_keys Enter
tui_see "the card is read when the dialog closes" "张三" 10
like "the purchase is in the meter" "$(tui_screen)" "In the meter Consumed"
tui_type "10"; tui_keys Enter
tui_see "the next sale: confirmation" "Take the money and write the card?"
tui_keys Enter
tui_see "sold again" "Sold" 20
is "two sales in all" "$(q "SELECT COUNT(*) FROM sales WHERE kind = 2 AND state = 1")" 2

# --- a refusal of a card put in stays until a key pressed after it showed -------------------
# (its purchase has not reached the meter). The card goes in while a dialog is open, and
# Enter is pressed twice at once: the first closes the dialog, the card is read, and the
# second, typed before the refusal showed, must not close it unseen.
sim eject >/dev/null
tui_see "the card taken out again" "No customer yet" 10
tui_keys F1
tui_see "a dialog is open again" "Enter: continue"
sim insert c1 >/dev/null
wait_for 5 eval '[[ "$(tui_status)" == *"card inserted"* ]]'
tui_keys Enter Enter
tui_see "the card is read and refused" "has not reached the" 10
sleep 1
like "the refusal is still shown: the Enter typed before it was dropped" "$(tui_screen)" \
    "Not done"
tui_keys Enter
ok "Enter now closes it" wait_for 5 _tui_gone "Not done"

# --- 通讯参数设置 names the reader in use; saved for the station, as it is --------------------
tui_menu 1 1
tui_see "the reader settings" "Card reader"
if [ "$LOOP_READER" = pcsc ]; then
    cur=$PCSC_READER
    tui_see "the PC/SC reader in use is the chosen item" "< $cur"
    unlike "no speed for a PC/SC reader" "$(tui_screen)" "Speed \(baud\)"
else
    cur=$D/reader
    tui_see "a serial port not detected is the typed one" "Serial port"
fi
tui_see "the reader in use is named" "$cur"
tui_keys Enter
tui_see "saved" "Saved. The new reader is used from the next start"
st=$(cat "$(dirname "$DB")/station.ini")
like "the station file has the driver" "$st" "driver = $LOOP_READER"
like "and the reader" "$st" "= $cur"
out=$("$KWHPOS" -c "$INI" ports 2>/dev/null)
if [ "$LOOP_READER" = pcsc ]; then
    like "kwhpos ports lists it too" "$out" "pcsc	$PCSC_READER"
fi
tui_keys Escape

tui_keys F10
tui_wait "Esc" 5 && tui_keys Enter
ok "the UI exits cleanly" wait_for 10 eval '_tui_has "[exit 0]"'
done_testing
