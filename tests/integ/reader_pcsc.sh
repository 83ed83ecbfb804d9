#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The PC/SC driver through a real pcscd: vsmartcard's vpcd reader, kwhsim as the card in
# it. pcsc_scan (pcsc-tools, independent of our code) sees the reader and the card come
# and go; then the driver's session, the PSC guarantees, the card's insertion and
# removal events, every fault the card can show, pcscd stopped, no reader, a reader of
# another name, a card of another type, and the ISO dialect.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/pcsc_lib.sh"

D=$T/sim
mkdir -p "$D"
sim() { "$KWHSIM" --dir "$D" "$@"; }
rt() { "$TOOLS/readertool" --pcsc "Virtual PCD" "$@"; }

pcsc_start
ok "pcscd runs with the vpcd reader on a private port and socket" test -n "$PCSC_PORT"
ok "the socket is the suite's own" test -S "$PCSCLITE_CSOCK_NAME"

"$KWHSIM" --dir "$D" serve --vpcd "$PCSC_PORT" 2>"$T/serve.log" &
SIM_PID=$!
on_exit "kill $SIM_PID 2>/dev/null; wait $SIM_PID 2>/dev/null"
ok "kwhsim plays the card behind vpcd" wait_for 10 test -S "$D/control.sock"

# --- pcsc_scan, independently of kwhpos ------------------------------------------------
is "pcsc_scan lists the virtual reader" "$(pcsc_scan -r 2>&1 | grep -c "$PCSC_READER")" 1
sim new-card c1 >/dev/null
pcsc_scan -n >"$T/scan.out" 2>&1 &
SCAN_PID=$!
on_exit "kill $SCAN_PID 2>/dev/null"
ok "pcsc_scan watches the empty reader" wait_for 10 grep -q 'Card removed' "$T/scan.out"
ok "a card goes in" sim insert c1
ok "pcsc_scan sees the card come, with the SLE4442 answer-to-reset" \
    wait_for 10 grep -q 'ATR: 3B 04 A2 13 10 91' "$T/scan.out"
ok "a card goes out" sim eject
ok "pcsc_scan sees it go" wait_for 10 eval '[ "$(grep -c "Card removed" "$T/scan.out")" -ge 2 ]'
kill $SCAN_PID 2>/dev/null

out=$("$KWHPOS" ports 2>&1)
like "kwhpos ports lists the PC/SC reader with the serial ports" "$out" "^pcsc	$PCSC_READER	$PCSC_READER"

# --- the driver ---------------------------------------------------------------------------
out=$(rt status 2>&1)
is "an empty reader reports no card" "$out" "status card=no changed=yes"
out=$(rt power-on 2>&1)
like "power-on with no card is a no-card error" "$out" 'insert the card.*detail=no-card'
sim insert c1 >/dev/null
is "the reader sees the card" "$(rt status 2>&1)" "status card=yes changed=yes"
is "power-on gives the card's answer-to-reset" "$(rt power-on 2>&1)" "atr a2131091"
is "a blank card reads 0xFF" "$(rt power-on read 4 6 2>&1 | tail -1)" "data ffffffffffff"
out=$(rt power-on read 0 256 stats 2>&1)
line=$(grep '^data' <<<"$out")
is "the whole card reads in one call" "${#line}" $((5 + 512))
like "in two commands of 128 bytes" "$out" 'stats exchanges=3 '
out=$(rt power-on write 16 0102 2>&1)
like "a write before the PSC is refused" "$out" 'PSC was not presented.*detail=write-failed'
out=$(rt power-on present ffffff write 16 0a0b0c0d read 14 6 2>&1)
like "write then read back through pcscd" "$out" 'data ffff0a0b0c0d'
like "the card file holds what was written" "$(sim card-show c1)" '^10: 0a 0b 0c 0d ff'
out=$(rt power-on present ffffff write 32 aabb stats 2>&1)
like "a second write in the session" "$out" 'wrote 2'
like "the card holds both writes" "$(sim card-show c1)" '^20: aa bb ff'

# the PSC (present asks the counter first, as the card writer does): never a try spent
# when one is left
out=$(rt power-on present 000000 2>&1)
like "a wrong PSC counts down" "$out" '2 tries left.*detail=wrong-psc'
is "the card file says so" "$(sim card-show c1 | sed -n 's/^tries //p')" 2
out=$(rt power-on present 000000 2>&1)
like "a second wrong PSC (two tries were left) counts down again" "$out" '1 tries left.*detail=wrong-psc'
out=$(rt power-on present 000000 2>&1)
like "with one try left, nothing is presented" "$out" 'only 1 PSC try left.*detail=psc-risk'
is "and the card keeps its last try" "$(sim card-show c1 | sed -n 's/^tries //p')" 1
out=$(rt --min-tries 1 power-on present ffffff tries 2>&1)
like "the right PSC (allowed at one try) restores the counter" "$out" 'tries 3'
sim new-card locked --tries 0 >/dev/null
sim insert locked >/dev/null
out=$(rt power-on tries present ffffff 2>&1)
like "a locked card reads 0 tries" "$out" 'tries 0'
like "and is never presented to" "$out" 'is locked .*detail=locked'
is "its counter stays 0" "$(sim card-show locked | sed -n 's/^tries //p')" "0 (locked)"

# protection bits: a protected byte keeps its value (the chip's behaviour)
sim new-card prot >/dev/null
sed -i 's/^tries 3$/tries 3\nprotect feffffff/' "$D/prot.card"
sim insert prot >/dev/null
out=$(rt power-on present ffffff write 0 00 read 0 2 2>&1)
like "byte 0, protected, keeps its value" "$out" 'data a213'

# --- events ---------------------------------------------------------------------------------
sim insert c1 >/dev/null
(rt event 0 event 5000 >"$T/ev.out" 2>&1) &
ev=$!
sleep 0.3
sim eject >/dev/null
wait $ev
is "the event op sees the card go" "$(tail -1 "$T/ev.out")" "event removed"
(rt event 0 event 5000 >"$T/ev.out" 2>&1) &
ev=$!
sleep 0.3
sim insert c1 >/dev/null
wait $ev
is "and a card come" "$(tail -1 "$T/ev.out")" "event inserted"
is "with nothing happening, no event" "$(rt event 0 event 300 2>&1 | tail -1)" "event none"

# --- faults ----------------------------------------------------------------------------------
sim fault pull 3 >/dev/null
out=$(rt power-on present ffffff write 48 0102030405060708 2>&1)
like "a card pulled during a write is reported taken out" "$out" 'taken out while it was being written.*detail=removed'
like "three bytes reached the card" "$(sim card-show c1)" '^30: 01 02 03 ff'
is "the card is out of the reader" "$(rt status 2>&1)" "status card=no changed=yes"
sim fault clear >/dev/null
sim insert c1 >/dev/null

# the answers, counted from the fault: 1 the card type selection, 2 the read
sim fault garble 2 >/dev/null
out=$(rt power-on read 48 4 stats 2>&1)
like "a malformed answer to a read is asked again" "$out" 'data 010203ff'
like "once" "$out" 'repeats=1'
sim fault garble 2 2 >/dev/null
out=$(rt power-on read 48 4 2>&1)
like "twice is an error naming it" "$out" 'malformed answers to reading the card twice.*detail=bad-frame'
sim fault garble 4 >/dev/null
out=$(rt power-on present ffffff write 52 aa 2>&1)
like "a malformed answer to a write is not asked again" "$out" 'malformed answer to a write.*detail=bad-frame'
sim fault clear >/dev/null

rm -f "$T/go"
(rt power-on wait-file "$T/go" read 0 4 >"$T/mute.out" 2>&1) &
bg=$!
wait_for 10 grep -q atr "$T/mute.out"
sim fault mute >/dev/null
start=$SECONDS
touch "$T/go"
wait $bg
like "a card that stops answering mid-session is an error, not a hang" "$(cat "$T/mute.out")" 'detail=(removed|timeout)'
ok "within a few seconds" test $((SECONDS - start)) -le 6
sim fault clear >/dev/null
ok "fault clear brings the card back" wait_for 10 eval '[ "$(rt status 2>&1)" = "status card=yes changed=yes" ]'

# a card of another type: its answer-to-reset is not an SLE4442's
sim new-card cpu >/dev/null
sed -i 's/^00: a2 13 10 91/00: 3b 13 10 91/' "$D/cpu.card"
sim insert cpu >/dev/null
out=$(rt power-on 2>&1)
like "a card of another type is refused, saying what to do" "$out" 'not an SLE4442/5542 memory card .*use a prepaid card of this site.*detail=wrong-card'

# the ISO dialect: the same card answers class 00 commands
sim insert c1 >/dev/null
out=$("$TOOLS/readertool" --pcsc "Virtual PCD" --dialect iso power-on tries present ffffff \
    write 60 77 read 60 1 2>&1)
like "the ISO 7816-4 dialect drives the same card" "$(echo $out)" 'tries 3 present ok wrote 1 data 77'

# --- readers and pcscd ---------------------------------------------------------------------
out=$("$TOOLS/readertool" --pcsc "ACS ACR39U" status 2>&1)
like "a reader name that matches none is refused, listing what pcscd has" "$out" \
    "no card reader's name starts with \"ACS ACR39U\" .*\"$PCSC_READER\".*detail=no-reader"
out=$(PCSCLITE_CSOCK_NAME=$T/none.comm "$TOOLS/readertool" --pcsc "" status 2>&1)
like "pcscd not running is said so, with what to do" "$out" 'pcscd\) is not running .*systemctl start pcscd.*detail=no-reader'

# a pcscd with no reader at all
mkdir -p "$T/empty.d"
"$TOOLS/sockact" "$T/empty.comm" pcscd --foreground --config "$T/empty.d" >"$T/empty.log" 2>&1 &
EMPTY_PID=$!
on_exit "kill $EMPTY_PID 2>/dev/null; wait $EMPTY_PID 2>/dev/null"
wait_for 10 test -S "$T/empty.comm"
out=$(wait_for 5 false; PCSCLITE_CSOCK_NAME=$T/empty.comm "$TOOLS/readertool" --pcsc "" status 2>&1)
like "no reader connected is said so" "$out" 'no smart card reader is connected: plug in the reader.*detail=no-reader'

# pcscd stopped under an open device
rm -f "$T/go"
(rt power-on event 0 wait-file "$T/go" status >"$T/gone.out" 2>&1; echo "rc=$?" >>"$T/gone.out") &
gone=$!
wait_for 10 grep -q atr "$T/gone.out"
kill "$PCSCD_PID"
wait "$PCSCD_PID" 2>/dev/null
touch "$T/go"
wait $gone
like "pcscd stopping under an open device is reported" "$(echo $(cat "$T/gone.out"))" 'pcscd\) is not running or was restarted.* rc=1'
done_testing
