#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The reader driver against `kwhsim serve` over a real pseudo-terminal: status,
# power-on, read/write, PSC counting down and locked cards, and every fault.
. "$(dirname "$0")/lib.sh"

D=$T/sim
mkdir -p "$D"
sim() { "$KWHSIM" --dir "$D" "$@"; }
rt() { "$TOOLS/readertool" --port "$D/reader" "$@"; }

"$KWHSIM" --dir "$D" serve 2>"$T/serve.log" &
SIM_PID=$!
on_exit "kill $SIM_PID 2>/dev/null; wait $SIM_PID 2>/dev/null"
ok "the simulator's reader and control socket appear" wait_for 10 test -S "$D/control.sock" -a -e "$D/reader"

out=$("$KWHSIM" --dir "$D" serve 2>&1); rc=$?
ok "a second simulator in the same directory is refused" test $rc -ne 0
like "saying one is running" "$out" 'already running'
ok "and the first one still answers" sim status

out=$(rt ident backend 2>&1)
like "the driver identifies the reader" "$out" '^ident kwhsim .* protocol 1'
like "a pseudo-terminal is opened with termios" "$out" 'backend termios'

# a console named as the port: refused before its settings are touched (tests run as
# root; the node is the second virtual console, tty1)
mknod "$T/console" c 4 1
stty_before=$(stty -g -F "$T/console" 2>&1)
like "the console's settings can be read" "$stty_before" '^[0-9a-f]+(:[0-9a-f]+)+$'
out=$("$TOOLS/readertool" --port "$T/console" --backend termios status 2>&1)
like "a console is refused as a port" "$out" 'is a console .* not a serial port'
is "and its settings are left alone" "$(stty -g -F "$T/console" 2>&1)" "$stty_before"

out=$(rt status 2>&1)
is "an empty reader reports no card" "$out" "status card=no changed=no"
out=$(rt power-on 2>&1)
like "power-on with no card is a no-card error" "$out" 'detail=no-card'
like "the no-card message says what to do" "$out" 'insert the card'

sim new-card c1 >/dev/null
ok "a card goes in" sim insert c1
is "the reader sees the new card" "$(rt status 2>&1)" "status card=yes changed=yes"
is "power-on gives the answer-to-reset" "$(rt power-on 2>&1)" "atr a2131091"
is "a blank card reads 0xFF" "$(rt power-on read 4 6 2>&1 | tail -1)" "data ffffffffffff"

out=$(rt power-on write 16 0102 2>&1)
like "a write before the PSC is refused" "$out" 'detail=write-failed.*|PSC'

out=$(rt power-on present ffffff write 16 0a0b0c0d read 14 6 2>&1)
like "write then read back through the driver" "$out" 'data ffff0a0b0c0dffff|data ffff0a0b0c0d'
like "the card file holds what was written" "$(sim card-show c1)" '^10: 0a 0b 0c 0d ff'


# PSC: a wrong one counts down, a right one restores the counter
out=$(rt power-on present 000000 2>&1)
like "a wrong PSC is refused with the tries left" "$out" 'detail=wrong-psc'
like "the message counts the tries left" "$out" '2 tries left'
is "the counter shows one try spent" "$(rt power-on tries 2>&1)" "$(printf 'atr a2131091\ntries 2')"
out=$(rt power-on present ffffff tries 2>&1)
like "the right PSC restores three tries" "$out" 'tries 3$'

# a card with one try left: the card writer will not spend it
sim new-card risky --tries 1 >/dev/null
sim insert risky >/dev/null
out=$(rt power-on present ffffff 2>&1)
like "a PSC is not presented with one try left" "$out" 'detail=psc-risk'
like "it says how to get the tries back" "$out" 'put it in its own meter once'
like "the card kept its last try" "$(sim card-show risky)" '^tries 1$'
out=$(rt --min-tries 1 power-on present 123456 2>&1)
like "spending the last try on a wrong PSC locks the card" "$out" 'detail=locked|detail=wrong-psc'
like "the card file is locked" "$(sim card-show risky)" 'tries 0 \(locked\)'
out=$(rt --min-tries 1 power-on present ffffff 2>&1)
like "a locked card is refused without a presentation" "$out" 'detail=locked'
like "the locked message says to issue a new card" "$out" 'issue a new card'

# the card pulled in the middle of a write
sim insert c1 >/dev/null
sim fault pull 3 >/dev/null
out=$(rt power-on present ffffff write 64 11223344556677 2>&1)
like "a card pulled mid-write is a removed error" "$out" 'detail=removed'
like "the removed message counts what was written" "$out" '3 of 7 bytes'
like "exactly the first 3 bytes reached the card" "$(sim card-show c1)" '^40: 11 22 33 ff ff'
is "the card is out of the reader" "$(rt status 2>&1)" "status card=no changed=yes"

# the card replaced between power-on and read
sim insert c1 >/dev/null
rm -f "$T/go"
rt power-on wait-file "$T/go" read 0 4 >"$T/swap.out" 2>&1 &
RT=$!
wait_for 5 grep -q atr "$T/swap.out"
sim eject >/dev/null; sim insert c1 >/dev/null; touch "$T/go"
wait $RT
like "a card swapped after power-on is a removed error" "$(cat "$T/swap.out")" 'detail=removed'

# noise on the line towards the reader: it resynchronises
printf 'noise\x02\x02\xff\x02\x05\x00\x5f\x00' >"$D/reader"
like "after noise on the line the reader still answers" "$(rt ident 2>&1)" '^ident kwhsim'

# a garbled answer is asked for again; twice garbled is an error
sim fault garble 2 >/dev/null
out=$(rt power-on read 0 4 stats 2>&1)
like "one garbled answer is recovered" "$out" 'data a2131091'
like "by asking the reader to repeat it" "$out" 'repeats=1'
sim fault garble 2 2 >/dev/null
out=$(rt power-on read 0 4 2>&1)
like "two garbled answers in a row are a bad-frame error" "$out" 'detail=bad-frame'
sim fault clear >/dev/null

# the reader stops answering
sim fault mute >/dev/null
out=$(rt --timeout 300 ident 2>&1)
like "nothing answering at open is no reader" "$out" 'detail=no-reader'
like "the no-reader message names the port" "$out" "no card reader answers on $D/reader"
sim fault clear >/dev/null
rm -f "$T/go"
rt --timeout 300 power-on wait-file "$T/go" read 0 4 >"$T/mute.out" 2>&1 &
RT=$!
wait_for 5 grep -q atr "$T/mute.out"
sim fault mute >/dev/null; touch "$T/go"
wait $RT
like "a reader that stops answering mid-session is a timeout" "$(cat "$T/mute.out")" 'detail=timeout'
like "the timeout message says to check the reader" "$(cat "$T/mute.out")" 'stopped answering'
sim fault clear >/dev/null

# the reader disappears
rm -f "$T/go"
rt power-on wait-file "$T/go" read 0 4 >"$T/gone.out" 2>&1 &
RT=$!
wait_for 5 grep -q atr "$T/gone.out"
sim fault vanish >/dev/null; touch "$T/go"
wait $RT
like "a reader whose port closes mid-session is gone" "$(cat "$T/gone.out")" 'detail=no-reader'
like "the gone message says to plug it in" "$(cat "$T/gone.out")" 'is gone'
out=$(rt ident 2>&1)
like "opening a vanished reader names the missing port" "$out" 'detail=no-reader'
sim fault clear >/dev/null
like "after clear the reader is back" "$(rt ident 2>&1)" '^ident kwhsim'

# bad input to the simulator: one clear line, no crash
out=$(sim fault pull x 2>&1); rc=$?
is "a bad fault argument is a usage error (exit 2)" "$rc" 2
like "and says how to use it" "$out" '^kwhsim: fault: usage: kwhsim fault pull N'
out=$(sim fault 2>&1); rc=$?
is "fault alone exits 2" "$rc" 2
like "with fault's usage" "$out" '^kwhsim: fault: usage:'
out=$(sim insert 2>&1); rc=$?
is "insert without a card exits 2" "$rc" 2
is "with insert's usage" "$out" 'kwhsim: insert: usage: kwhsim insert CARD'
out=$(sim eject now 2>&1); rc=$?
is "eject with an argument exits 2" "$rc" 2
like "saying it takes none" "$out" 'eject: usage: kwhsim eject \(no arguments\)'
printf 'kwhsim-card 1\npsc ffffff\ntries 3\n00: zz\n' >"$D/bad.card"
out=$(sim insert bad 2>&1); rc=$?
is "a damaged card file is refused by insert (exit 2)" "$rc" 2
like "with the file and line named" "$out" 'bad.card line 4'
out=$(sim card-show bad 2>&1); rc=$?
is "and by card-show with the same code" "$rc" 2
like "and the same words" "$out" 'bad.card line 4'
: >"$D/empty.card"
out=$(sim insert empty 2>&1); rc=$?
is "an empty card file: insert exits 2" "$rc" 2
like "saying it is empty (not line 0)" "$out" 'empty.card is an empty file, not a card'
out=$(sim card-show empty 2>&1); rc=$?
is "card-show of it exits 2 too" "$rc" 2
like "with the same words" "$out" 'empty.card is an empty file, not a card'
out=$("$KWHSIM" --dir "$T/nowhere" serve --baud 921600 2>&1); rc=$?
is "serve at a speed the transport cannot take exits 2" "$rc" 2
like "and lists the speeds it can" "$out" '1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200 or 230400'
out=$(sim insert nosuch 2>&1)
like "a missing card file is named" "$out" 'no card file .*nosuch.card'
out=$("$KWHSIM" --dir "$T/nodir" status 2>&1)
like "no simulator running is said plainly" "$out" 'no simulator is running'
out=$(sim frobnicate 2>&1)
like "an unknown command points to --help" "$out" 'unknown command "frobnicate"'

# card events from STATUS: a card out, in, swapped between two looks; nothing between
sim new-card ev1 >/dev/null
sim new-card ev2 >/dev/null
sim insert ev1 >/dev/null
(rt event 0 event 3000 event 3000 event 300 >"$T/ev.out" 2>&1) &
ev=$!
sleep 0.3
sim eject >/dev/null
sleep 0.3
sim insert ev1 >/dev/null
wait $ev
is "the serial driver reports a card out, then in, then nothing" "$(echo $(cat "$T/ev.out"))" \
    "event none event removed event inserted event none"
out=$(rt event 0 power-on wait-file "$T/swap" event 0 2>&1 &
      sleep 0.5; sim insert ev2 >/dev/null; touch "$T/swap"; wait)
like "a card swapped between two looks is a new card" "$out" 'event inserted$'

ok "the simulator stops on request" sim stop
ok "and exits" wait_for 10 bash -c "! kill -0 $SIM_PID 2>/dev/null"
ok "removing its socket and link" test ! -e "$D/control.sock" -a ! -e "$D/reader"
done_testing
