#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The libserialport back end: port enumeration, its refusal of pseudo-terminals, the
# automatic fall-back to termios, and a full reader session through libserialport.
#
# No real serial line is available to tests (the machine's one UART is its console,
# which a test must not reconfigure). The session test therefore runs readertool with
# tests/integ/shim/lsp_pty_shim.c preloaded: libserialport looks up a real native
# port (its sysfs entry), but every open of that device is redirected to the
# simulator's pty and the modem-line ioctls ptys lack report the lines up. The real
# port is never opened (readertool refuses to run if the shim is not loaded).
. "$(dirname "$0")/lib.sh"

D=$T/sim
mkdir -p "$D"
sim() { "$KWHSIM" --dir "$D" "$@"; }
rt() { "$TOOLS/readertool" --port "$D/reader" "$@"; }

"$KWHSIM" --dir "$D" serve 2>"$T/serve.log" &
SIM_PID=$!
on_exit "kill $SIM_PID 2>/dev/null; wait $SIM_PID 2>/dev/null"
ok "the simulator starts" wait_for 10 test -S "$D/control.sock" -a -e "$D/reader"
sim new-card c1 >/dev/null
sim insert c1 >/dev/null

# enumeration
ports=$("$TOOLS/readertool" ports 2>&1); rc=$?
ok "libserialport lists the ports" test $rc -eq 0
like "the list ends with a count" "$ports" '^[0-9]+ ports$'
count=$(tail -n 1 <<<"$ports" | cut -d' ' -f1)
ok "every listed port is a real device" bash -c "
    tail -n +1 <<<'$ports' | grep '^/dev/' | cut -f1 | while read -r p; do test -c \"\$p\" || exit 1; done"
ok "each port has a label \"DESC on /dev/NAME\" or its name" bash -c "
    grep '^/dev/' <<<'$ports' | awk -F'\t' '{ if (\$3 != \$1 && \$3 !~ (\" on \" \$1 \"\$\")) exit 1 }'"
ok "the count matches the lines" test "$count" -eq "$(grep -c '^/dev/' <<<"$ports")"

# a pseudo-terminal: libserialport refuses it, auto picks termios
out=$(rt --backend lsp ident 2>&1); rc=$?
ok "libserialport refuses the simulator's pty" test $rc -ne 0
like "with a clear message" "$out" 'libserialport does not know a serial port named .*not pseudo-terminals'
like "and the no-reader detail" "$out" 'detail=no-reader'
like "auto falls back to termios for the pty" "$(rt backend 2>&1)" '^backend termios$'
like "termios forced works too" "$(rt --backend termios backend 2>&1)" '^backend termios$'
out=$(rt --backend lsp --baud 12345 ident 2>&1)
like "an impossible speed is refused by name" "$out" 'unsupported speed 12345'

# a whole session through libserialport, on a native port name redirected to the pty;
# the name comes from sysfs, which libserialport consults, so a container without the
# device node still has one
native=$(grep -P '^/dev/\S+\tnative\t' <<<"$ports" | head -n 1 | cut -f1)
if [ -z "$native" ]; then
    for d in /sys/class/tty/ttyS*; do
        [ -e "$d/device/driver" ] && { native=/dev/$(basename "$d"); break; }
    done
fi
ok "the kernel has a native serial port for the libserialport session" test -n "$native"
if [ -n "$native" ]; then
    shim=$T/lsp_pty_shim.so
    ok "the pty shim builds" ${CC:-cc} -shared -fPIC -O1 -o "$shim" "$KWH_TOP/tests/integ/shim/lsp_pty_shim.c" -ldl
    pts=$(readlink -f "$D/reader")
    lsp() {
        KWH_SHIM_FROM=$native KWH_SHIM_TO=$pts LD_PRELOAD=$shim \
        ASAN_OPTIONS=${ASAN_OPTIONS}:verify_asan_link_order=0 \
            "$TOOLS/readertool" --port "$native" --backend lsp "$@"
    }
    out=$(KWH_SHIM_FROM=$native "$TOOLS/readertool" --port "$native" --backend lsp ident 2>&1)
    like "the session refuses to run without the shim" "$out" 'shim is not loaded'
    out=$(lsp backend ident power-on present ffffff write 48 c0ffee read 48 3 write 52 beef tries 2>&1)
    like "libserialport carries the session" "$out" 'backend libserialport'
    like "ident through libserialport" "$out" 'ident kwhsim'
    like "read back what was written through libserialport" "$out" 'data c0ffee'
    like "a second write through libserialport" "$out" 'wrote 2'
    like "the card file holds both writes" "$(sim card-show c1)" '^30: c0 ff ee ff be ef ff'
    sim fault garble 1 >/dev/null
    like "a garbled answer is recovered through libserialport" "$(lsp ident stats 2>&1)" 'repeats=1'
    sim fault mute >/dev/null
    out=$(lsp --timeout 200 ident 2>&1)
    like "libserialport read timeouts end a silent exchange" "$out" 'detail=no-reader.*|no card reader answers'
    sim fault clear >/dev/null
fi
done_testing
