#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# tools/run-demo.sh BUILD DEMO — `make run`: the demo site, its simulator in the
# background, and the terminal UI on the simulator's reader. The simulator stops when
# the UI does. Without a terminal (scripts, CI), it sets everything up, shows how to use
# it, and stops.
#
# READER=pcsc (`make run READER=pcsc`): the UI uses the PC/SC driver instead, through a
# pcscd of the demo's own (its socket in DEMO/pcsc, PCSCLITE_CSOCK_NAME) with
# vsmartcard's vpcd reader, the simulator playing the card in it; the INI is
# DEMO/kwhpos-pcsc.ini. pcscd runs as the user who runs this (root, or one who may
# create /run/pcscd).
set -euo pipefail
B=$(cd "$1" && pwd)
DEMO=$2
READER=${READER:-serial}
here=$(cd "$(dirname "$0")" && pwd)

"$here/demo-site.sh" "$B" "$DEMO"
DEMO=$(cd "$DEMO" && pwd)
S=$B/kwhsim
INI=$DEMO/kwhpos.ini
pids=()
cleanup() {
    "$S" --dir "$DEMO/sim" stop >/dev/null 2>&1 || true
    for p in "${pids[@]}"; do
        kill "$p" 2>/dev/null || true
        for _ in $(seq 1 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.05; done
    done
}
trap cleanup EXIT

if [ "$READER" = pcsc ]; then
    export PCSCLITE_CSOCK_NAME=$DEMO/pcsc/pcscd.comm
    read -r port pcscd <<<"$("$here/pcscd-vpcd.sh" "$DEMO/pcsc" "$B/tests/tools/sockact" 35963)"
    [ -n "${pcscd:-}" ] || { echo "run: pcscd did not start (see $DEMO/pcsc/pcscd.log)" >&2; exit 1; }
    pids+=("$pcscd")
    sed -e '/^\[reader\]/,/^\[/{/^port *=/d;/^baud *=/d}' \
        -e 's/^\[reader\]$/[reader]\ndriver = pcsc\nname = Virtual PCD 00 00/' \
        "$DEMO/kwhpos.ini" >"$DEMO/kwhpos-pcsc.ini"
    INI=$DEMO/kwhpos-pcsc.ini
    "$S" --dir "$DEMO/sim" serve --vpcd "$port" 2>>"$DEMO/sim/serve.log" &
    pids+=($!)
    for _ in $(seq 1 100); do [ -S "$DEMO/sim/control.sock" ] && break; sleep 0.05; done
    [ -S "$DEMO/sim/control.sock" ] || { echo "run: the simulator did not start (see $DEMO/sim/serve.log)" >&2; exit 1; }
else
    "$S" --dir "$DEMO/sim" serve --baud 115200 2>>"$DEMO/sim/serve.log" &
    pids+=($!)
    for _ in $(seq 1 100); do [ -e "$DEMO/sim/reader" ] && break; sleep 0.05; done
    [ -e "$DEMO/sim/reader" ] || { echo "run: the simulator did not start (see $DEMO/sim/serve.log)" >&2; exit 1; }
fi

if [ -t 0 ] && [ -t 1 ]; then
    KWHSIM=$S "$B/kwhpos" -c "$INI"
else
    cat <<TXT
The simulator plays the card reader ($READER: $INI).
Try, from another terminal (the simulator runs while this shell waits)$(
    [ "$READER" = pcsc ] && printf ', with\n  export PCSCLITE_CSOCK_NAME=%s' "$PCSCLITE_CSOCK_NAME"):
  $B/kwhsim --dir $DEMO/sim status
  echo clerk123 | $B/kwhpos -c $INI --user clerk card read
  $B/kwhsim --dir $DEMO/sim insert zhang
  echo clerk123 | $B/kwhpos -c $INI --user clerk sell --customer 10000001 --amount 50
  $B/kwhsim --dir $DEMO/sim eject; $B/kwhsim --dir $DEMO/sim meter-insert 20240001 zhang
TXT
    if [ -t 0 ]; then
        read -r -p "press Enter to stop the simulator " _
    fi
fi
