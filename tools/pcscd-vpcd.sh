#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# tools/pcscd-vpcd.sh DIR SOCKACT [PORT] — a private pcscd with vsmartcard's vpcd reader,
# for the PC/SC tests, `make bench-card` and `make run READER=pcsc`. Prints "PORT PID"
# and leaves pcscd running in the background (stop it with kill PID).
#
# pcscd 1.9.9 binds its compiled-in socket (/run/pcscd/pcscd.comm) unless systemd hands
# it one, so SOCKACT (tests/tools/sockact) hands it DIR/pcscd.comm; its clients find it
# through PCSCLITE_CSOCK_NAME. The reader.conf.d in DIR names vpcd on a free TCP port
# and the next one (vpcd makes a reader of each; the first is "Virtual PCD 00 00"),
# tried from PORT (default: one chosen by the caller's pid) until vpcd listens on it:
# vpcd listens on every address, so two runs on one machine must not meet. Logs go to
# DIR/pcscd.log; PCSCD_DEBUG=--debug makes them verbose.
set -u
DIR=$1
SOCKACT=$2
port=${3:-$((30000 + (PPID * 2) % 30000))}
mkdir -p "$DIR/conf.d"

used() { grep -qi ":$(printf '%04X' "$1") " /proc/net/tcp /proc/net/tcp6 2>/dev/null; }
listening() {
    grep -qi ":$(printf '%04X' "$1") 0\{8,32\}:0000 0A" /proc/net/tcp /proc/net/tcp6 2>/dev/null
}

for _ in 1 2 3 4 5; do
    while used "$port" || used $((port + 1)); do
        port=$((port + 2 > 62000 ? 30000 : port + 2))
    done
    cat >"$DIR/conf.d/vpcd" <<CONF
FRIENDLYNAME "Virtual PCD"
DEVICENAME   /dev/null:$port
LIBPATH      /usr/lib/pcsc/drivers/serial/libifdvpcd.so
CHANNELID    $port
CONF
    "$SOCKACT" "$DIR/pcscd.comm" pcscd --foreground --config "$DIR/conf.d" \
        "${PCSCD_DEBUG:---error}" >>"$DIR/pcscd.log" 2>&1 </dev/null &
    pid=$!
    for _ in $(seq 1 200); do
        listening "$port" && { echo "$port $pid"; exit 0; }
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.05
    done
    # another program took the port first: the next pair
    kill "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    port=$((port + 2))
done
echo "pcscd-vpcd: pcscd with vpcd did not start (see $DIR/pcscd.log)" >&2
exit 1
