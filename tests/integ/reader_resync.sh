#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# kwh-run: once
# A program killed (kill -9) while the reader works on its request: the next kwhpos to
# open the port finds the reader still busy with the dead program's request (at 1200
# baud a whole-card read is 2.3 s on the wire) and must wait for it, drop its answer and
# read the card at the first try. Killed: `kwhpos card read` during its READ; a sale
# during its write to the card, and a sale during the read-back after its commit byte.
# Counted: first reads that fail (goal 0). RESYNC_TRIALS rounds (default 1); each round
# is about 20 s of 1200-baud line, so the suite runs with the first build of `make
# check` only (the sanitizer build runs the driver's resynchronisation in test_reader).
. "$(dirname "$0")/lib.sh"

trials=${RESYNC_TRIALS:-1}
M=20240001
D=$T/sim
mkdir -p "$D"
sim() { "$KWHSIM" --dir "$D" "$@"; }
"$KWHSIM" --dir "$D" serve --baud 1200 --card-timing 2>"$T/serve.log" &
SIM=$!
on_exit "kill $SIM 2>/dev/null; wait $SIM 2>/dev/null"
ok "the simulator starts at 1200 baud with card timing" wait_for 10 test -S "$D/control.sock"
printf '[database]\npath = %s\n[reader]\nport = %s\nbaud = 1200\n' "$T/site.db" "$D/reader" \
    >"$T/k.ini"
echo admin-pass-1 >"$T/pw"
k() { "$KWHPOS" -c "$T/k.ini" "$@"; }
kp() { "$KWHPOS" -c "$T/k.ini" --user system --password-fd 3 "$@" 3<"$T/pw"; }
# in the background as one process of its own, so that $! is the program itself
kp_bg() { "$KWHPOS" -c "$T/k.ini" --user system --password-fd 3 "$@" 3<"$T/pw" >/dev/null 2>&1 & }
k init --area 123456 >/dev/null
printf '1\nadmin-pass-1\nadmin-pass-1\n' | k --user system operator passwd >/dev/null
sim new-card c1 >/dev/null
sim new-meter $M >/dev/null
sim insert c1 >/dev/null
ok "an account is opened on the card" kp open --meter $M --name 张三 --tariff 1 --amount 5
cust=$(sqlite3 "$T/site.db" "select customer_no from customers")

powered() { sim status | grep -qx 'powered yes'; }
card_sum() { md5sum <"$D/c1.card"; }
card_changed() { [ "$(card_sum)" != "$1" ]; }

failed=0
# first_read NAME: one result for the first card read after a kill
first_read() {
    local out rc
    out=$(kp card read 2>&1)
    rc=$?
    [ $rc -eq 0 ] || failed=$((failed + 1))
    _t_result $rc "$1" "$out"
}

for ((i = 1; i <= trials; i++)); do
    # a fresh power-on shows when the read begins
    sim eject >/dev/null
    sim insert c1 >/dev/null
    kp_bg card read
    pid=$!
    wait_for 20 powered
    sleep 0.3 # the READ of the whole card is on the line now
    kill -9 $pid 2>/dev/null
    wait $pid 2>/dev/null
    first_read "card read $i killed during its READ: the next card read works at once"
done

# a sale killed at the Nth change of the card file plus 0.3 s: 1 = during its write
# of the new record (about 1 s at 1200 baud), 2 = after its commit byte, during the
# read-back of the whole card
sale_killed_at() {
    local n=$1 name=$2 sum
    sim eject >/dev/null
    sim meter-insert $M c1 >/dev/null
    sim insert c1 >/dev/null
    sum=$(card_sum)
    kp_bg sell --customer "$cust" --amount 1
    pid=$!
    for ((c = 1; c <= n; c++)); do
        if ! wait_for 30 card_changed "$sum"; then
            _t_result 1 "$name: the sale writes the card" "$(sim status)"
            break
        fi
        sum=$(card_sum)
    done
    sleep 0.3
    kill -9 $pid 2>/dev/null
    wait $pid 2>/dev/null
    first_read "$name: the next card read works at once"
    is "$name: that read settled the sale's card write" \
        "$(sqlite3 "$T/site.db" "select count(*) from card_ops where state=0")" 0
}

for ((i = 1; i <= trials; i++)); do
    sale_killed_at 1 "sale $i killed during its write"
    sale_killed_at 2 "sale $i killed during its read-back"
done

is "first reads that failed after a kill" "$failed" 0
ok "the database is intact" test "$(sqlite3 "$T/site.db" 'pragma integrity_check')" = ok
done_testing
