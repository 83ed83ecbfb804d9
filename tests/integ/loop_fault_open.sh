#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# kwh-backends: sqlite pg
# Every fault of the simulator during an account opening (用户开户), which turns a
# factory-blank card into the account's card: the card pulled at several bytes (in
# its serial, after its PSC was changed, in its record, at the commit byte), garbled
# answers, a mute or vanished reader. kwhpos says what went wrong with its exit code;
# after `fault clear` and `kwhpos card read` the account is open with its card, or
# void with no money taken and its meter number free, and the same card then opens
# the account: a half-personalised card is never lost.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/loop_lib.sh"

accounts() { q "SELECT COUNT(*) FROM customers"; }
status_of() { q "SELECT status FROM customers WHERE meter_no = $1 ORDER BY id DESC LIMIT 1"; }
number_of() { q "SELECT customer_no FROM customers WHERE meter_no = $1 AND status = 1"; }

# fresh CARD METER: a new blank card in the reader and a new meter; OPEN opens on it
fresh() {
    CARD=$1 METER=$2
    OPEN=(open --name 开户 --meter "$METER" --tariff 居民生活用电 --kwh 20)
    sim new-card "$CARD" --force >/dev/null
    sim new-meter "$METER" --force >/dev/null
    sim insert "$CARD" >/dev/null
    S_MONEY=$(money) S_OPS=$(ops)
}

# opened NAME done|void: after the fault, read the card and check the outcome
opened() {
    local name=$1 want=$2 was=$RC
    sim fault clear >/dev/null
    sim insert "$CARD" >/dev/null
    run kp card read
    is "$name: the card reads back (exit 0)" "$RC" 0
    if [ "$was" = 8 ]; then
        like "$name: the read says how the waiting opening was settled" "$OUT" \
            "^settled: the open of op #[0-9]+ $([ "$want" = done ] && echo 'was completed' || echo 'never reached')"
    else
        unlike "$name: the read had nothing to settle" "$OUT" '^settled:'
    fi
    is "$name: nothing is left pending" "$(kp pending)" ""
    if [ "$want" = done ]; then
        is "$name: the account is open" "$(status_of "$METER")" 1
        is "$name: 10.57 yuan taken once" "$(money)" $((S_MONEY + 1057))
        is "$name: card and database agree" "$(card_active "$CARD")" "$(db_slot "$(number_of "$METER")")"
        is "$name: the card is the account's" "$(kv account)" "$(number_of "$METER") 开户 (open)"
    else
        if [ "$(ops)" = "$S_OPS" ]; then
            is "$name: no account was recorded" "$(status_of "$METER")" ""
        else
            is "$name: the account is void" "$(status_of "$METER")" 4
        fi
        is "$name: no money taken" "$(money)" "$S_MONEY"
        is "$name: the card reads as blank" "$(kv card)" "blank"
        is "$name: no PSC try was lost" "$(tries "$CARD")" 3
        run kp "${OPEN[@]}"
        is "$name: the same card and meter number then open the account" "$RC $(kv state)" "0 done"
        is "$name: and they agree" "$(card_active "$CARD")" "$(db_slot "$(number_of "$METER")")"
    fi
    is "$name: the card's PSC is the site's" "$(sim card-show "$CARD" | awk '$1 == "psc" { print ($2 == "ffffff") ? "factory" : "site" }')" "site"
    sim eject >/dev/null
    is "$name: the meter learns the key from the card: good" "$(mi "$METER" "$CARD")" "good"
    is "$name: and loads the 20 kWh once" "$(field "$METER" remaining)" "20.0"
}

start_sim
ok "the simulator starts" test -S "$D/control.sock"
ok "a site" new_site "$INI" "$DB" 123456

# --- the card pulled ---------------------------------------------------------------------
fresh o1 20000001
sim fault pull 0 >/dev/null
run kp "${OPEN[@]}"
is "pulled before the first byte: exit 6" "$RC" 6
like "it says nothing was written" "$OUT" '^kwhpos: nothing was written: the card was taken out'
is "the card is still factory-blank" "$(card_bytes o1 4 252)" "$(printf 'ff%.0s' {1..252})"
opened "pulled at byte 0" void

fresh o2 20000002
sim fault pull 3 >/dev/null
run kp "${OPEN[@]}"
is "pulled in the middle of the serial: exit 6" "$RC" 6
like "it counts what was written" "$OUT" '3 of 6 bytes written'
opened "pulled in the serial" void

fresh o3 20000003
sim fault pull 7 >/dev/null
run kp "${OPEN[@]}"
is "pulled after the serial, the PSC state and the PSC change: exit 6" "$RC" 6
unlike "the card has the site's PSC already" "$(sim card-show o3)" '^psc ffffff'
is "and its PSC state says so (the mark still unwritten)" "$(sim card-piece o3 psc --state)" likely-site
opened "pulled after the PSC change" void

fresh o4 20000004
sim fault pull 40 >/dev/null
run kp "${OPEN[@]}"
is "pulled in the middle of the record: exit 6" "$RC" 6
opened "pulled in the record" void

# the commit byte (see loop_fault_sale.sh: the bytes written are measured on copies)
landed=no
for attempt in 1 2 3 4; do
    fresh oc$attempt 2100000$attempt
    n=$(bytes_written "$CARD" "${OPEN[@]}")
    sim insert "$CARD" >/dev/null
    sim fault pull $((n - 1)) >/dev/null
    run kp "${OPEN[@]}"
    if [ "$RC" = 8 ] && stopped_at_commit "$CARD"; then landed=yes; break; fi
    sim fault clear >/dev/null
    sim insert "$CARD" >/dev/null
    kp card read >/dev/null 2>&1
    sim eject >/dev/null
done
is "the card was pulled exactly at the commit byte" "$landed" yes
is "pulled at the commit byte: exit 8" "$RC" 8
like "it says the outcome is not known" "$OUT" 'not known whether the card took the write'
is "the account waits for its card" "$(status_of "$METER")" 0
like "the opening is listed as pending" "$(kp pending)" "^op [0-9]+	open	"
opened "pulled at the commit byte" void

# --- garbled answers ------------------------------------------------------------------------
fresh o5 20000005
sim fault garble 8 2 >/dev/null
run kp "${OPEN[@]}"
is "the first write's answer garbled twice: exit 6" "$RC" 6
like "it names the garbled line" "$OUT" 'two bad answers to write in a row'
opened "write answer garbled twice" void

fresh o6 20000006
sim fault garble 8 1 >/dev/null
run kp "${OPEN[@]}"
is "the first write's answer garbled once is asked again: exit 0" "$RC $(kv state)" "0 done"
opened "write answer garbled once" done

# --- a mute or vanished reader before the opening --------------------------------------------
fresh o7 20000007
sim fault mute >/dev/null
run kp "${OPEN[@]}"
is "a mute reader: exit 6" "$RC" 6
is "nothing was recorded" "$(ops) $(status_of 20000007)" "$S_OPS "
opened "mute reader" void

fresh o8 20000008
sim fault vanish >/dev/null
run kp "${OPEN[@]}"
is "a vanished reader: exit 6" "$RC" 6
is "nothing was recorded" "$(ops) $(status_of 20000008)" "$S_OPS "
opened "vanished reader" void

# --- in the middle of the write, with the card's real timing -------------------------------
# at 4800 baud with card timing; the reader goes quiet at a chosen byte (kwhsim fault
# mute|vanish N), the write in progress unanswered
kill "$SIM_PID" && wait "$SIM_PID"
start_sim --card-timing --baud 4800
printf 'baud = 4800\n' >>"$INI"
ok "the simulator runs again, with card timing at 4800 baud" test -S "$D/control.sock"

fresh o9 20000009
quiet o9 mute 3 "${OPEN[@]}"
is "mute while the record is written: exit 6" "$RC" 6
opened "mute in the record" void

landed=no
for attempt in 1 2 3 4; do
    mtr=$((20000100 + attempt))
    fresh o10 $mtr
    quiet o10 vanish 0 "${OPEN[@]}"
    if [ "$RC" = 8 ] && wrote_all o10; then landed=yes; break; fi
    opened "vanish missed the commit byte (attempt $attempt)" "$([ "$RC" = 0 ] && echo done || echo void)"
done
is "the reader went away right after the commit byte" "$landed" yes
is "the reader gone after the commit byte: exit 8" "$RC" 8
is "the account waits for its card" "$(status_of $mtr)" 0
opened "vanish after the commit byte" done

run kp audit verify
like "the audit chain is intact" "$OUT" '^audit chain intact'
done_testing
