#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# kwh-backends: sqlite pg
# Every fault of the simulator during a sale: the card pulled at several bytes (the
# commit byte among them), garbled answers (retried, and beyond the retry), a reader
# that stops answering or disappears, before the sale and in the middle of its write.
# Each time kwhpos says what went wrong with its documented exit code (6 card or
# reader, 8 outcome pending); after `fault clear` and `kwhpos card read` the database
# and the card agree, and the sale is done once or void, never half: checked on the
# database (count, money, sales), on the card (its record) and at the meter (it loads
# the purchase once, or answers EA).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/loop_lib.sh"

A=10000001 M1=12345678
SELL=(sell --customer $A --kwh 10)

count() { q "SELECT purchase_count FROM customers WHERE customer_no = $A"; }
inactive() { piece c1 inactive; }

# snap: the state before a faulty sale
snap() {
    S_COUNT=$(count) S_MONEY=$(money) S_SLOT=$(card_active c1) S_INACTIVE=$(inactive)
    S_REM=$(field $M1 remaining) S_OPS=$(ops)
}

# settled NAME done|void: clears the fault, reads the card (which reconciles) and
# checks that exactly one of the two outcomes happened, on every side
settled() {
    local name=$1 want=$2 was=$RC got
    sim fault clear >/dev/null
    sim insert c1 >/dev/null
    run kp card read
    is "$name: the card reads back (exit 0)" "$RC" 0
    if [ "$was" = 8 ]; then
        like "$name: the read says how the waiting sale was settled" "$OUT" \
            "^settled: the sale of op #[0-9]+ $([ "$want" = done ] && echo 'was completed' || echo 'never reached')"
    else
        unlike "$name: the read had nothing to settle" "$OUT" '^settled:'
    fi
    is "$name: nothing is left pending" "$(kp pending)" ""
    is "$name: card and database agree" "$(card_active c1)" "$(db_slot $A)"
    case $(count) in
    $((S_COUNT + 1))) got=done ;;
    "$S_COUNT") got=void ;;
    *) got="half (count $(count) after $S_COUNT)" ;;
    esac
    is "$name: the sale is $want" "$got" "$want"
    sim eject >/dev/null
    if [ "$want" = done ]; then
        is "$name: 5.28 yuan taken once" "$(money)" $((S_MONEY + 528))
        is "$name: the card carries the new purchase" "$(kv purchase_count) $(kv in_meter)" \
            "$((S_COUNT + 1)) no"
        is "$name: the meter loads it: good" "$(mi $M1 c1)" "good"
        is "$name: 10 kWh more in the meter" "$(field $M1 remaining)" \
            "$(awk -v r="$S_REM" 'BEGIN { printf "%.1f", r + 10 }')"
    else
        is "$name: no money taken" "$(money)" "$S_MONEY"
        is "$name: the card shows its old record" "$(card_active c1)" "$S_SLOT"
        is "$name: the meter has nothing new on it: EA" "$(mi $M1 c1)" "EA"
        is "$name: and loads nothing" "$(field $M1 remaining)" "$S_REM"
    fi
    sim insert c1 >/dev/null
    snap
}

start_sim
ok "the simulator starts" test -S "$D/control.sock"
ok "a site" new_site "$INI" "$DB" 123456
sim new-meter $M1 >/dev/null
sim new-card c1 >/dev/null
sim insert c1 >/dev/null
run kp open --name 张三 --meter $M1 --tariff 居民生活用电 --kwh 100
is "an account with 100 kWh" "$RC $(kv customer)" "0 $A"
sim eject >/dev/null
is "its meter is opened: good" "$(mi $M1 c1)" "good"
sim insert c1 >/dev/null
snap

# --- the card pulled ---------------------------------------------------------------------
sim fault pull 0 >/dev/null
run kp "${SELL[@]}"
is "pulled before the first byte: exit 8" "$RC" 8
like "it says the card was taken out and the sale did not take effect" "$OUT" 'taken out .*0 of [0-9]+ bytes.*did not take effect'
like "the sale waits for the card" "$(kp pending)" "^op [0-9]+	sale	$A"
settled "pulled at byte 0" void

sim fault pull 9 >/dev/null
run kp "${SELL[@]}"
is "pulled after 9 bytes of the new record: exit 8" "$RC" 8
like "it counts what was written" "$OUT" '9 of [0-9]+ bytes written'
ok "the card holds a half-written second record" test "$(inactive)" != "$S_INACTIVE"
half=$S_INACTIVE
settled "pulled at byte 9" void
is "reading the card put the half-written record back as it was" "$(inactive)" "$half"

# the commit byte: every byte of the new record written, the card pulled before the
# byte that makes it count. How many bytes a sale writes is measured on copies; a
# new record's bytes that happen to equal the old ones are not written, so the count
# can differ by chance between two records and an attempt is repeated.
# retry [CARD]: an attempt missed its byte: the sale tidied up quietly (settled by a read
# of CARD, c1 unless named, loaded into the meter when it went through) and the baseline
# taken again
retry() {
    local card=${1:-c1}
    sim fault clear >/dev/null
    sim insert "$card" >/dev/null
    kp card read >/dev/null 2>&1
    [ "$(count)" != "$S_COUNT" ] && { sim eject >/dev/null; mi $M1 "$card" >/dev/null; sim insert "$card" >/dev/null; }
    snap
}
landed=no
for attempt in 1 2 3 4; do
    n=$(bytes_written c1 "${SELL[@]}")
    sim insert c1 >/dev/null
    sim fault pull $((n - 1)) >/dev/null
    run kp "${SELL[@]}"
    if [ "$RC" = 8 ] && stopped_at_commit c1; then landed=yes; break; fi
    retry # not the commit byte this time
done
is "the card was pulled exactly at the commit byte" "$landed" yes
is "pulled at the commit byte: exit 8" "$RC" 8
like "it says the outcome is not known until the card is read" "$OUT" 'not known whether the card took the write'
settled "pulled at the commit byte" void

# --- garbled answers ------------------------------------------------------------------------
# the answers of a sale, counted from the fault command: 1 ident, 2 power-on, 3 read
# (the card as read), 4 its error counter (kept for the anomaly report), 5 the card read
# again before the write (the commit checks it is the card read), 6 the error counter,
# 7 the PSC, 8 the first write of the new record
sim fault garble 3 2 >/dev/null
run kp "${SELL[@]}"
is "the read's answer garbled twice: exit 6" "$RC" 6
like "it names the garbled line" "$OUT" 'garbled \(two bad answers to read in a row\)'
is "and nothing was recorded" "$(ops)" "$S_OPS"
settled "read garbled twice" void

sim fault garble 3 1 >/dev/null
run kp "${SELL[@]}"
is "the read's answer garbled once is asked again: exit 0" "$RC $(kv state)" "0 done"
settled "read garbled once" done

sim fault garble 8 1 >/dev/null
run kp "${SELL[@]}"
is "a write's answer garbled once is asked again: exit 0" "$RC $(kv state)" "0 done"
settled "write answer garbled once" done

sim fault garble 8 2 >/dev/null
run kp "${SELL[@]}"
is "a write's answer garbled twice: exit 6" "$RC" 6
like "nothing was sold" "$OUT" '^kwhpos: nothing was written: .*two bad answers to write'
is "the sale is void at once" "$(q "SELECT state FROM card_ops ORDER BY id DESC LIMIT 1")" "2"
settled "write answer garbled twice" void
is "the written bytes were put back" "$(inactive)" "$S_INACTIVE"

# --- a reader that stops answering or disappears, before the sale --------------------------
sim fault mute >/dev/null
run kp "${SELL[@]}"
is "a mute reader: exit 6" "$RC" 6
like "it says no reader answers" "$OUT" "no card reader answers on $D/reader"
is "and nothing was recorded" "$(ops)" "$S_OPS"
settled "mute reader" void

sim fault vanish >/dev/null
ok "the reader's port is gone" test ! -e "$D/reader"
run kp "${SELL[@]}"
is "a vanished reader: exit 6" "$RC" 6
like "it names the port" "$OUT" "$D/reader"
is "and nothing was recorded" "$(ops)" "$S_OPS"
settled "vanished reader" void
ok "fault clear brings the port back" test -e "$D/reader"

# --- in the middle of the write, with the card's real timing -------------------------------
# at 4800 baud a card's 256 bytes take half a second on the line: wide enough moments
kill "$SIM_PID" && wait "$SIM_PID"
start_sim --card-timing --baud 4800
printf 'baud = 4800\n' >>"$INI"
ok "the simulator runs again, with card timing at 4800 baud" test -S "$D/control.sock"
sim insert c1 >/dev/null
snap

# the reader goes quiet at a chosen byte of the sale's write (kwhsim fault mute|vanish N),
# the write in progress unanswered: inside the new record, or right after the commit byte
quiet c1 mute 3 "${SELL[@]}"
is "mute in the middle of the write: exit 8" "$RC" 8
settled "mute in the middle of the write" void

quiet c1 vanish 3 "${SELL[@]}"
is "the reader gone in the middle of the write: exit 8" "$RC" 8
settled "vanish in the middle of the write" void

# (a byte of the new record equal to the old one is not written, so the count measured on
# copies can miss by chance: then the sale is tidied quietly and measured again)
landed=no
for attempt in 1 2 3 4; do
    quiet c1 vanish 0 "${SELL[@]}"
    if [ "$RC" = 8 ] && wrote_all c1; then landed=yes; break; fi
    retry
done
is "the reader went away right after the commit byte" "$landed" yes
is "the reader gone after the commit byte, before the read-back: exit 8" "$RC" 8
like "it says the outcome is not known" "$OUT" 'not known whether the card took the write'
settled "vanish after the commit byte" done

is "no PSC try was lost in all of it" "$(tries c1)" 3

# --- the card lost while its sale waits ------------------------------------------------------
# (1) pulled at byte 0: the sale is known not to have taken effect (the clerk is told so);
# the card is lost before it could be tidied, and the reissue cancels the sale
sim fault pull 0 >/dev/null
run kp "${SELL[@]}"
is "pulled at byte 0 once more: exit 8" "$RC" 8
like "the clerk is told it did not take effect" "$OUT" 'did not take effect'
like "the sale waits for its card" "$(kp pending)" "^op [0-9]+	sale	$A"
sim fault clear >/dev/null
sim new-card c2 >/dev/null
sim insert c2 >/dev/null
run kp reissue --customer $A --unconsumed
is "the card is lost: a reissue 未消费 on a new card (exit 0)" "$RC $(kv kind)" "0 reissue"
is "the waiting sale is no longer pending" "$(kp pending)" ""
is "it was cancelled: no money taken" "$(money)" "$S_MONEY"
is "the account's count did not move" "$(count)" "$S_COUNT"
is "the new card is the one the database recorded" "$(card_active c2)" "$(db_slot $A)"
run kp card read
is "the new card carries the last purchase that was sold" \
    "$(kv purchase_count) $(kv generation)" "$S_COUNT 1"
sim eject >/dev/null
is "the meter has it already: EA" "$(mi $M1 c2)" "EA"
is "and loads nothing more" "$(field $M1 remaining)" "$S_REM"

# (2) the reader gone after the commit byte: whether the card took the sale is not known;
# the card is lost, and the reissue takes the sale over (the new card carries it). The
# reader goes once every byte is written, the commit byte's write unanswered (counted on
# copies, as above: a count that missed is settled by a read and tried again)
SELL=(sell --customer $A --kwh 10)
snap
for attempt in 1 2 3 4; do
    quiet c2 vanish 0 "${SELL[@]}"
    [ "$RC" = 8 ] && wrote_all c2 && break
    retry c2
done
ok "the reader went away right after the commit byte of the sale on the new card" wrote_all c2
is "gone after the commit byte: exit 8" "$RC" 8
like "the outcome is not known" "$OUT" 'not known whether the card took the write'
sim fault clear >/dev/null
sim eject >/dev/null
sim new-card c3 >/dev/null
sim insert c3 >/dev/null
run kp reissue --customer $A --unconsumed
is "a reissue 未消费 on another new card (exit 0)" "$RC $(kv kind)" "0 reissue"
is "nothing pending" "$(kp pending)" ""
is "the sale was taken over as done: 5.28 yuan once" "$(money)" $((S_MONEY + 528))
is "the account's count went up once" "$(count)" $((S_COUNT + 1))
run kp card read
is "the new card carries the waiting purchase" \
    "$(kv purchase_count) $(kv purchase_kwh) $(kv generation)" "$((S_COUNT + 1)) 10.00 2"
sim eject >/dev/null
is "the meter loads it: good" "$(mi $M1 c3)" "good"
is "10 kWh more, once" "$(field $M1 remaining)" "$(awk -v r="$S_REM" 'BEGIN { printf "%.1f", r + 10 }')"
is "the lost card, found again, at the meter: E1" "$(mi $M1 c2)" "E1"
is "and loads nothing" "$(field $M1 remaining)" "$(awk -v r="$S_REM" 'BEGIN { printf "%.1f", r + 10 }')"
sim insert c2 >/dev/null
run kp card read
is "and at the counter: exit 6" "$RC" 6
run kp audit verify
like "the audit chain is intact" "$OUT" '^audit chain intact'
done_testing
