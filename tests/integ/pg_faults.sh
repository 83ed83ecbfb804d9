#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# kwh-backends: pg
# The PostgreSQL server goes away: stopped at once (as a crash or a cut would) between a
# sale's intent and its settle, and before a report. The clerk is told in one line that
# the server cannot be reached and what to do; nothing is lost; once the server is back
# the pending write settles when the card is read, and the report equals psql's sums.
# This suite runs a server of its own, which it stops and starts.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/loop_lib.sh"

A=10000001 M1=12345678
PGF=$(mktemp -d /tmp/kwhpgf.XXXXXX)
server() { "$KWH_TOP/tests/pg/server.sh" "$1" "$PGF"; }
on_exit 'server stop'
conn=$(server start) || { echo "not ok 1 - a private server"; exit 1; }
KWH_TEST_PG=$conn
ok "a private server" test -n "$KWH_TEST_PG"

# 1200 baud with card timing: a sale's write takes seconds, and the reader is frozen
# (SIGSTOP) while the server stops, so the server is down before the write can settle
# however busy the machine (the reader waits for a frozen simulator: timeout_ms)
start_sim --card-timing --baud 1200
ok "a site" new_site "$INI" "$DB" 123456
printf 'baud = 1200\ntimeout_ms = 30000\n' >>"$INI"
sim new-meter $M1 >/dev/null
sim new-card c1 >/dev/null
sim insert c1 >/dev/null
run kp open --name 张三 --meter $M1 --tariff 居民生活用电 --kwh 10 --pay cash
is "an account" "$RC" 0
sim eject >/dev/null
mi $M1 c1 >/dev/null
sim insert c1 >/dev/null

# --- the server stops between the intent and the settle --------------------------------------
(kp sell --customer $A --amount 20 >"$T/sell.out" 2>"$T/sell.err"; echo $? >"$T/sell.rc") &
seller=$!
intent() { [ "$(q "SELECT COUNT(*) FROM card_ops WHERE state = 0")" = 1 ]; }
ok "the sale records its intent and starts writing the card" wait_for 10 intent
# a stopped simulator ignores the suite's SIGTERM at exit until it is continued
on_exit "kill -CONT $SIM_PID 2>/dev/null"
kill -STOP $SIM_PID
server halt
kill -CONT $SIM_PID
wait $seller
is "the sale ends with exit 8 (outcome recorded later)" "$(cat "$T/sell.rc")" 8
# what the sale was about to do (the plan) on standard output, then the error
like "the plan was shown first" "$(cat "$T/sell.out")" '^kind: sale'
out=$(cat "$T/sell.err")
is "one line" "$(printf '%s\n' "$out" | wc -l)" 1
like "it says the server cannot be reached, and what to do" "$out" \
    'database server cannot be reached.*recorded when the card is read again'
run kp pending
is "with the server down, a command says so (exit 7)" "$RC" 7
like "in one line naming the server" "$OUT" "^kwhpos: .*cannot be reached \(.*host=$PGF"
ok "the server starts again" server resume
run kp pending
like "the sale is pending, nothing lost" "$OUT" "sale"
run kp card read
is "reading the card (exit 0)" "$RC" 0
like "settles the sale: the card has it" "$OUT" 'settled: the sale of op #[0-9]+ was completed'
is "nothing pending" "$(kp pending)" ""
is "the sale is done, once" "$(q "SELECT COUNT(*) || ' ' || SUM(amount_fen) FROM sales WHERE state = 1 AND kind = 2")" "1 2000"
is "the account counts it" "$(q "SELECT purchase_count FROM customers WHERE customer_no = $A")" 2
run kp audit verify
like "the audit chain is intact" "$OUT" '^audit chain intact'

# --- the server stops before a report, then comes back ---------------------------------------
sim eject >/dev/null
mi $M1 c1 >/dev/null
server halt
run kp report period --from 2000-01-01 --to 2099-12-31
is "a report with the server down: exit 7" "$RC" 7
like "it says the server cannot be reached" "$OUT" 'cannot be reached.*then try again'
ok "the server starts again" server resume
run kp report period --from 2000-01-01 --to 2099-12-31
is "the report then (exit 0)" "$RC" 0
money=$(q "SELECT SUM(amount_fen) FROM sales WHERE state = 1")
like "equal to psql's sum" "$OUT" "$(printf '%d.%02d' $((money / 100)) $((money % 100)))"

# --- a sale after the restart, on the same card -----------------------------------------------
sim insert c1 >/dev/null
run kp sell --customer $A --amount 5
is "selling goes on" "$RC" 0
run kp check
is "kwhpos check finds nothing wrong" "$RC" 0
done_testing
