#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# tests/torture/sales.sh — concurrency: terminals (kwhpos CLI processes, each with its
# own simulated reader) selling in a loop on one database while a backup and `kwhpos
# check` run over and over meanwhile.
#
#   TORTURE_SALES=N       sales per terminal (default 1000)
#   TORTURE_TERMINALS="2 4"  the numbers of terminals: every terminal with a customer
#                         of its own (set and empty: none)
#   TORTURE_SAME="2 4"    the numbers of terminals then all on the same customer (set
#                         and empty: none)
#
# Same customer: the customer's card is handed from terminal to terminal (each reader
# gets a copy of the card as it last came back from the meter); two terminals that act
# on the same state are refused cleanly (exit 5: changed meanwhile; exit 6: a copy
# older than the last write), and try again with the card as it is now.
# After every sale the card visits its meter (kwhsim meter-insert) before the next one,
# and the household uses what was sold (kwhsim use), so that a meter never reaches its
# hoard limit however many sales a run makes (a sale over it is refused, exit 5).
# Every refusal's reason is counted and printed with the case's figures.
# The oracle, independent of what kwhpos reports: the invoice numbers the terminals were
# given are exactly the settled sales in the ledger (sqlite3): 0 lost, 0 duplicated; the
# meters count and were sold what the ledger says; no output mentions a busy or locked
# database and nothing exits 7; every backup exits 0, every check 0 (or 8 while a write
# is in flight); at the end `kwhpos check`, `audit verify` and integrity_check pass.
. "$(dirname "$0")/../integ/lib.sh"
. "$(dirname "$0")/../integ/loop_lib.sh"

SALES=${TORTURE_SALES:-1000}
read -ra TERMS <<<"${TORTURE_TERMINALS-2 4}"
read -ra SAME <<<"${TORTURE_SAME-2 4}"
MET=$T/meters
mkdir -p "$MET"
meters() { "$KWHSIM" --dir "$MET" "$@"; }

# terminal I MODE CUSTOMER METER: sells SALES times; writes its figures to $T/term.I
terminal() {
    local i=$1 mode=$2 cust=$3 meter=$4 ok=0 refused=0 other=0 busy=0 tries=0 out rc
    local dir=$T/t$i card=$T/t$i/card.card ini=$T/t$i.ini
    : >"$T/inv.$i"
    while [ $ok -lt "$SALES" ] && [ $tries -lt $((SALES * 40)) ]; do
        tries=$((tries + 1))
        if [ "$mode" = same ]; then
            # the card as it last came back from the meter
            flock "$T/master.lock" cp "$T/master.card" "$card"
            "$KWHSIM" --dir "$dir" insert "$card" >/dev/null
        fi
        out=$(printf '%s\n' "$PW" | "$KWHPOS" -c "$ini" --user system sell --customer "$cust" --kwh 1 2>&1)
        rc=$?
        case $out in *[Bb]usy* | *[Ll]ocked*) busy=$((busy + 1)) ;; esac
        case $rc in
        0)
            ok=$((ok + 1))
            printf '%s\n' "$out" | sed -n 's/^invoice: //p' >>"$T/inv.$i"
            "$KWHSIM" --dir "$dir" eject >/dev/null
            if [ "$mode" = same ]; then
                flock "$T/master.lock" sh -c "\"$KWHSIM\" --dir \"$MET\" meter-insert $meter \"$card\" >/dev/null && cp \"$card\" \"$T/master.card\" && \"$KWHSIM\" --dir \"$MET\" use $meter --kwh 1 >/dev/null"
            else
                meters meter-insert "$meter" "$card" >/dev/null
                meters use "$meter" --kwh 1 >/dev/null
            fi
            "$KWHSIM" --dir "$dir" insert "$card" >/dev/null
            ;;
        5 | 6)
            refused=$((refused + 1))
            printf '%s\n' "$out" | tail -n 1 | sed 's/[0-9][0-9.]*/N/g' >>"$T/refusals"
            ;;
        *)
            other=$((other + 1))
            printf 'terminal %s: exit %s: %s\n' "$i" "$rc" "$(printf '%s' "$out" | tail -n 1)" >>"$T/errors"
            ;;
        esac
    done
    echo "$ok $refused $other $busy" >"$T/term.$i"
}

# background BACKUP and CHECK loops until $T/stop exists
maintenance() {
    local n=0 bad=0 rc
    while [ ! -e "$T/stop" ]; do
        "$KWHPOS" -c "$INI" backup --dir "$T/backups" --keep 2 >/dev/null 2>"$T/backup.err"
        rc=$?
        [ $rc = 0 ] || { bad=$((bad + 1)); echo "backup: exit $rc: $(tail -n 1 "$T/backup.err")" >>"$T/errors"; }
        "$KWHPOS" -c "$INI" check >"$T/check.out" 2>"$T/check.err"
        rc=$?
        case $rc in 0 | 8) ;; *) bad=$((bad + 1)); echo "check: exit $rc: $(grep -v "^  op " "$T/check.out" | tr "\n" " ") $(tail -n 1 "$T/check.err")" >>"$T/errors" ;; esac
        n=$((n + 1))
    done
    echo "$n $bad" >"$T/maint"
}

start_sim --baud 115200
ok "a site" new_site "$INI" "$DB" 123456
mkdir -p "$T/backups"
: >"$T/errors"

# run P MODE: P terminals, each selling SALES times
run_case() {
    local p=$1 mode=$2 i meter t0 secs ok=0 refused=0 other=0 busy=0 before
    local -a custs=() meters_=()
    before=$(q "SELECT count(*) FROM sales WHERE state = 1")
    for ((i = 1; i <= p; i++)); do
        rm -rf "$T/t$i"
        mkdir -p "$T/t$i"
        "$KWHSIM" --dir "$T/t$i" serve --baud 115200 >/dev/null 2>>"$T/serve.log" &
        on_exit "kill $! 2>/dev/null"
        wait_for 10 test -S "$T/t$i/control.sock" -a -e "$T/t$i/reader"
        { db_ini "$DB" && printf '[reader]\nport = %s\n' "$T/t$i/reader"; } >"$T/t$i.ini"
    done
    # the customers: opened at the first terminal's reader, their first purchase loaded
    for ((i = 1; i <= p; i++)); do
        if [ "$mode" = same ] && [ $i -gt 1 ]; then
            custs[$i]=${custs[1]} meters_[$i]=${meters_[1]}
            continue
        fi
        meter=$((60000000 + CASES * 10 + i))
        meters new-meter "$meter" --force >/dev/null
        "$KWHSIM" --dir "$T/t$i" new-card card --force >/dev/null
        "$KWHSIM" --dir "$T/t$i" insert card >/dev/null
        printf '%s\n' "$PW" | "$KWHPOS" -c "$T/t$i.ini" --user system open --name "终端$i" \
            --meter "$meter" --tariff 居民生活用电 --kwh 1 >/dev/null 2>&1
        custs[$i]=$(q "SELECT customer_no FROM customers WHERE meter_no = $meter AND status = 1")
        meters_[$i]=$meter
        "$KWHSIM" --dir "$T/t$i" eject >/dev/null
        meters meter-insert "$meter" "$T/t$i/card.card" >/dev/null
        "$KWHSIM" --dir "$T/t$i" insert "$T/t$i/card.card" >/dev/null
        [ "$mode" = same ] && cp "$T/t$i/card.card" "$T/master.card"
    done
    rm -f "$T/stop"
    before=$(q "SELECT coalesce(max(invoice_no), 0) FROM sales")
    maintenance &
    local mpid=$! pids=()
    t0=$(date +%s)
    for ((i = 1; i <= p; i++)); do
        terminal $i "$mode" "${custs[$i]}" "${meters_[$i]}" &
        pids+=($!)
    done
    wait "${pids[@]}"
    touch "$T/stop"
    wait "$mpid"
    secs=$(($(date +%s) - t0))
    for ((i = 1; i <= p; i++)); do
        read -r a b c d <"$T/term.$i"
        ok=$((ok + a)) refused=$((refused + b)) other=$((other + c)) busy=$((busy + d))
    done
    # the oracle
    local given ledger lost dup
    given=$(cat "$T"/inv.* | sort -n)
    ledger=$(q "SELECT invoice_no FROM sales WHERE state = 1 AND invoice_no > $before")
    lost=$(comm -23 <(printf '%s\n' "$given" | sort) <(printf '%s\n' "$ledger" | sort) | grep -c .)
    dup=$(comm -13 <(printf '%s\n' "$given" | sort) <(printf '%s\n' "$ledger" | sort) | grep -c .)
    [ "$(printf '%s\n' "$given" | sort | uniq -d | grep -c .)" = 0 ] || dup=$((dup + 1))
    read -r mruns mbad <"$T/maint"
    echo "# sales: $p terminals, $mode customer: $ok sales in ${secs}s ($refused refused races, $other other errors), $mruns backups and checks meanwhile ($mbad failed); lost $lost, duplicated $dup, busy $busy"
    [ ! -s "$T/refusals" ] || sort "$T/refusals" | uniq -c | sort -rn | sed 's/^ */#   refused /'
    rm -f "$T/refusals"
    is "$p terminals, $mode customer: every terminal sold $SALES" "$ok" $((p * SALES))
    is "$p terminals, $mode customer: 0 lost" "$lost" 0
    is "$p terminals, $mode customer: 0 duplicated" "$dup" 0
    is "$p terminals, $mode customer: 0 busy errors" "$busy" 0
    is "$p terminals, $mode customer: no other error" "$other" 0
    is "$p terminals, $mode customer: every backup and check meanwhile passed" "$mbad" 0
    ok "$p terminals, $mode customer: backups and checks ran meanwhile" test "$mruns" -gt 0
    for ((i = 1; i <= p; i++)); do
        [ "$mode" = same ] && [ $i -gt 1 ] && break
        is "$p terminals, $mode customer: meter ${meters_[$i]} counts the ledger's purchases" \
            "$(meters show "${meters_[$i]}" | awk '$1 == "count" { print $2 }')" \
            "$(q "SELECT purchase_count FROM customers WHERE customer_no = ${custs[$i]}")"
        is "$p terminals, $mode customer: meter ${meters_[$i]} was sold what the ledger sold" \
            "$(meters show "${meters_[$i]}" | awk '$1 == "bought" { print $2 }')" \
            "$(q "SELECT sum(energy_ckwh) / 100 FROM sales WHERE state = 1 AND meter_no = ${meters_[$i]}")"
    done
    rm -f "$T"/inv.* "$T"/term.*
    for ((i = 1; i <= p; i++)); do "$KWHSIM" --dir "$T/t$i" stop >/dev/null 2>&1; done
}

CASES=0
for p in "${TERMS[@]}"; do
    CASES=$((CASES + 1))
    run_case "$p" own
done
for p in "${SAME[@]}"; do
    CASES=$((CASES + 1))
    run_case "$p" same
done
is "no error was logged" "$(cat "$T/errors")" ""
run "$KWHPOS" -c "$INI" check
is "kwhpos check passes at the end" "$RC" 0
like "the audit chain verifies" "$(kp audit verify 2>&1)" '^audit chain intact'
[ "$BACKEND" = sqlite ] && is "integrity_check" "$(sqlite3 "$DB" 'PRAGMA integrity_check')" ok
done_testing
