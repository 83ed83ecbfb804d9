#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Two programs on one reader: the line is taken for each request and its answer, so two
# kwhpos commands reading the same card at once both read it whole (none reads or flushes
# the other's answer), and a command that finds the line held by another program too long
# says the reader is busy, not that it is gone.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cli_lib.sh"

cli_site
sim new-card c1 >/dev/null && sim insert c1 >/dev/null && sim new-meter 20240001 >/dev/null
clerk open --name 张三 --meter 20240001 --tariff 1 --amount 100 --pay cash >/dev/null
like "an account with its card" "$(clerk card read 2>&1)" "customer: 10000001"

# two terminals reading at once, again and again
reads() {
    local i bad=0
    for i in $(seq 1 "$2"); do
        clerk card read >"$T/read.$1.$i" 2>&1 || bad=$((bad + 1))
        grep -q 20240001 "$T/read.$1.$i" || bad=$((bad + 1))
    done
    echo "$bad" >"$T/bad.$1"
}
reads a 16 &
pa=$!
reads b 16 &
pb=$!
wait $pa $pb
is "first program: every read whole" "$(cat "$T/bad.a")" 0
is "second program: every read whole" "$(cat "$T/bad.b")" 0

# a line held elsewhere longer than a request may wait: busy, and nothing else said
printf '[database]\npath = %s\n[reader]\nport = %s\ntimeout_ms = 300\n' "$T/site.db" \
    "$D/reader" >"$T/short.ini"
flock "$D/reader" sleep 4 &
holder=$!
sleep 0.5
out=$(echo "$CLERK" | "$KWHPOS" -c "$T/short.ini" --user clerk card read 2>&1)
rc=$?
ok "a held line: the read fails" test "$rc" -ne 0
like "saying another program uses the reader" "$out" "busy: another kwhpos program"
wait $holder
like "once given back, the card reads" "$(clerk card read 2>&1)" 20240001
done_testing
