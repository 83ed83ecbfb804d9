#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# tools/run-demo.sh BUILD DEMO — `make run`: the demo site, its simulator in the
# background, and the terminal UI on the simulator's reader. The simulator stops when
# the UI does. Without a terminal (scripts, CI), it sets everything up, shows how to use
# it, and stops.
set -euo pipefail
B=$(cd "$1" && pwd)
DEMO=$2
here=$(cd "$(dirname "$0")" && pwd)

"$here/demo-site.sh" "$B" "$DEMO"
DEMO=$(cd "$DEMO" && pwd)
S=$B/kwhsim
"$S" --dir "$DEMO/sim" serve --baud 115200 2>>"$DEMO/sim/serve.log" &
sim=$!
trap '"$S" --dir "$DEMO/sim" stop >/dev/null 2>&1 || kill $sim 2>/dev/null || true; wait $sim 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do [ -e "$DEMO/sim/reader" ] && break; sleep 0.05; done
[ -e "$DEMO/sim/reader" ] || { echo "run: the simulator did not start (see $DEMO/sim/serve.log)" >&2; exit 1; }

if [ -t 0 ] && [ -t 1 ]; then
    KWHSIM=$S "$B/kwhpos" -c "$DEMO/kwhpos.ini"
else
    cat <<TXT
The simulator plays the card reader on $DEMO/sim/reader.
Try, from another terminal (the simulator runs while this shell waits):
  $B/kwhsim --dir $DEMO/sim status
  echo clerk123 | $B/kwhpos -c $DEMO/kwhpos.ini --user clerk card read
  $B/kwhsim --dir $DEMO/sim insert zhang
  echo clerk123 | $B/kwhpos -c $DEMO/kwhpos.ini --user clerk sell --customer 10000001 --amount 50
  $B/kwhsim --dir $DEMO/sim eject; $B/kwhsim --dir $DEMO/sim meter-insert 20240001 zhang
TXT
    if [ -t 0 ]; then
        read -r -p "press Enter to stop the simulator " _
    fi
fi
