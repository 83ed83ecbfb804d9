#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# kwh-backends: pg
# Two stations on one PostgreSQL ledger, each with its own INI and its own simulator:
# they open accounts at the same time (customer numbers), then sell to different
# customers at the same time (KWH_STATIONS_SALES each; `make check-stations` runs 500),
# then both try to sell to the same customer with copies of one card
# (KWH_STATIONS_SAME rounds; 100 there): the card arbitrates, exactly one sale per round.
# Nothing lost, nothing counted twice, no error shown to a clerk, one audit chain, and
# the reports equal the sums taken with psql. Each station connects as its own role with
# only the rights docs/multi-station.md grants a station.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/loop_lib.sh"

SALES=${KWH_STATIONS_SALES:-60}
SAME=${KWH_STATIONS_SAME:-15}
CARDS=4 # accounts (cards, meters) per station

D2=$T/sim2
INI2=$T/k2.ini
mkdir -p "$D2"
sim2() { "$KWHSIM" --dir "$D2" "$@"; }

start_sim
"$KWHSIM" --dir "$D2" serve >/dev/null 2>>"$T/serve2.log" &
pid2=$!
on_exit "kill $pid2 2>/dev/null; wait $pid2 2>/dev/null"
ok "the second station's simulator" wait_for 10 test -S "$D2/control.sock" -a -e "$D2/reader"
ok "a site on PostgreSQL" new_site "$INI" "$DB" 123456
# each station as its own role with only the rights docs/multi-station.md grants
grants() {
    psql -XAtq -v ON_ERROR_STOP=1 "$(db_target "$DB")" <<SQL
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'kwhstation') THEN
    CREATE ROLE kwhstation NOLOGIN;
    CREATE ROLE station1 LOGIN;
    CREATE ROLE station2 LOGIN;
  END IF;
END \$\$;
GRANT CONNECT ON DATABASE $(pg_name "$DB") TO kwhstation;
GRANT USAGE ON SCHEMA public TO kwhstation;
GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA public TO kwhstation;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO kwhstation;
GRANT kwhstation TO station1, station2;
SQL
}
ok "station roles with the documented rights" grants
url1="$(db_target "$DB") user=station1"
url2="$(db_target "$DB") user=station2"
printf '[database]\nurl = %s\n[reader]\nport = %s\n[station]\nname = 东区站\n' "$url1" "$D/reader" >"$INI"
printf '[database]\nurl = %s\n[reader]\nport = %s\n[station]\nname = 西区站\n' "$url2" "$D2/reader" >"$INI2"

# station DIR INI: the simulator command and the INI of a station
# meter numbers: station 1 31000001..., station 2 32000001...
for s in 1 2; do
    dir=$D
    [ $s = 2 ] && dir=$D2
    for i in $(seq 1 $CARDS); do
        "$KWHSIM" --dir "$dir" new-meter "3${s}00000$i" >/dev/null
        "$KWHSIM" --dir "$dir" new-card "s${s}c$i" >/dev/null
    done
done

# opens STATION: opens the station's accounts, one card after the other
opens() {
    local s=$1 dir=$D ini=$INI i
    [ "$s" = 2 ] && dir=$D2 ini=$INI2
    for i in $(seq 1 $CARDS); do
        "$KWHSIM" --dir "$dir" insert "s${s}c$i" >/dev/null
        printf '%s\n' "$PW" | "$KWHPOS" -c "$ini" --user system open --name "站$s 户$i" \
            --meter "3${s}00000$i" --tariff 居民生活用电 --kwh 1 --pay cash >>"$T/open$s.out" 2>&1
        echo "open $i $?" >>"$T/open$s.rc"
        "$KWHSIM" --dir "$dir" eject >/dev/null
        "$KWHSIM" --dir "$dir" meter-insert "3${s}00000$i" "s${s}c$i" >/dev/null
    done
}
opens 1 &
o1=$!
opens 2 &
o2=$!
wait $o1 $o2
is "both stations opened their accounts at the same time" \
    "$(cat "$T/open1.rc" "$T/open2.rc" | awk '$3 != 0' | wc -l)" 0
is "every account has its own customer number" \
    "$(q "SELECT COUNT(DISTINCT customer_no) || ' ' || COUNT(*) FROM customers")" \
    "$((2 * CARDS)) $((2 * CARDS))"

# sells STATION: SALES sales of 1 yuan, the station's cards in turn, each loaded into its
# meter before the next; every exit code and every line shown is kept
sells() {
    local s=$1 dir=$D ini=$INI i k no
    [ "$s" = 2 ] && dir=$D2 ini=$INI2
    for i in $(seq 1 "$SALES"); do
        k=$(((i - 1) % CARDS + 1))
        no=$(q "SELECT customer_no FROM customers WHERE meter_no = 3${s}00000$k")
        "$KWHSIM" --dir "$dir" insert "s${s}c$k" >/dev/null
        printf '%s\n' "$PW" | "$KWHPOS" -c "$ini" --user system sell --customer "$no" --amount 1 \
            >>"$T/sell$s.out" 2>>"$T/sell$s.err"
        echo "$?" >>"$T/sell$s.rc"
        "$KWHSIM" --dir "$dir" eject >/dev/null
        "$KWHSIM" --dir "$dir" meter-insert "3${s}00000$k" "s${s}c$k" >/dev/null
    done
}
t0=$(date +%s%N)
sells 1 &
s1=$!
sells 2 &
s2=$!
wait $s1 $s2
ms=$((($(date +%s%N) - t0) / 1000000))
echo "# $((2 * SALES)) sales at two stations in $ms ms: $((2 * SALES * 1000 / (ms > 0 ? ms : 1))) sales/s"
is "station 1: every sale done" "$(grep -cx 0 "$T/sell1.rc")" "$SALES"
is "station 2: every sale done" "$(grep -cx 0 "$T/sell2.rc")" "$SALES"
is "no error shown at either station" "$(cat "$T/sell1.err" "$T/sell2.err")" ""
is "every sale recorded once, none lost" \
    "$(q "SELECT COUNT(*) || ' ' || SUM(amount_fen) FROM sales WHERE state = 1 AND kind = 2")" \
    "$((2 * SALES)) $((2 * SALES * 100))"
for s in 1 2; do
    for k in 1 $CARDS; do
        per=$(((SALES + CARDS - k) / CARDS))
        is "station $s, account $k: its $per sales and its purchase count" \
            "$(q "SELECT COUNT(s.id) || ' ' || c.purchase_count FROM customers c JOIN sales s ON
                  s.customer_id = c.id AND s.state = 1 WHERE c.meter_no = 3${s}00000$k
                  GROUP BY c.purchase_count")" "$((per + 1)) $((per + 1))"
    done
done

# each station's card writes (its openings and sales) carry its name, none the other's
for s in 1 2; do
    name=东区站
    [ "$s" = 2 ] && name=西区站
    is "station $s: its $((SALES + CARDS)) card writes carry its name ([station] name)" \
        "$(q "SELECT COUNT(*) FILTER (WHERE o.station = '$name') || ' ' || COUNT(*) FROM card_ops o
              JOIN customers c ON c.id = o.customer_id WHERE c.meter_no / 100000 = 3${s}0")" \
        "$((SALES + CARDS)) $((SALES + CARDS))"
done

# --- the same customer at both stations, a copied card ---------------------------------------
sim new-meter 33000001 >/dev/null
sim new-card same >/dev/null
sim insert same >/dev/null
run kp open --name 同户 --meter 33000001 --tariff 居民生活用电 --kwh 1 --pay cash
is "the shared account" "$RC" 0
SC=$(q "SELECT customer_no FROM customers WHERE meter_no = 33000001")
sim eject >/dev/null
sim meter-insert 33000001 same >/dev/null
won1=0 won2=0 other=0
for r in $(seq 1 "$SAME"); do
    cp "$D/same.card" "$D2/same.card"
    sim insert same >/dev/null
    sim2 insert "$D2/same.card" >/dev/null
    (printf '%s\n' "$PW" | "$KWHPOS" -c "$INI" --user system sell --customer "$SC" --amount 1 \
        >"$T/r1.out" 2>&1; echo $? >"$T/r1.rc") &
    a=$!
    (printf '%s\n' "$PW" | "$KWHPOS" -c "$INI2" --user system sell --customer "$SC" --amount 1 \
        >"$T/r2.out" 2>&1; echo $? >"$T/r2.rc") &
    b=$!
    wait $a $b
    sim eject >/dev/null
    sim2 eject >/dev/null
    # the loser is refused by the account (5: it changed meanwhile) or, when the
    # winner's write was done before it read its card, by the card (6: not the last record
    # written to it)
    case "$(cat "$T/r1.rc") $(cat "$T/r2.rc")" in
    "0 5" | "0 6") won1=$((won1 + 1)) ;;
    "5 0" | "6 0")
        won2=$((won2 + 1))
        cp "$D2/same.card" "$D/same.card"
        ;;
    *)
        other=$((other + 1))
        echo "# round $r: $(cat "$T/r1.rc") $(tail -n 1 "$T/r1.out") / $(cat "$T/r2.rc") $(tail -n 1 "$T/r2.out")"
        ;;
    esac
    grep -h '^kwhpos:' "$T/r1.out" "$T/r2.out" >>"$T/refusals"
    sim meter-insert 33000001 same >/dev/null
done
echo "# same customer: station 1 won $won1, station 2 won $won2"
is "every round: one station sells, the other is refused (exit 5 or 6)" "$other" 0
is "the refusals say the card or account changed, never a database error" \
    "$(grep -cvE 'changed meanwhile|does not show the last record|not settled|pending|another terminal' "$T/refusals")" 0
is "the shared account: one sale per round, none twice" \
    "$(q "SELECT COUNT(s.id) || ' ' || c.purchase_count FROM customers c JOIN sales s ON
          s.customer_id = c.id AND s.state = 1 WHERE c.customer_no = $SC GROUP BY c.purchase_count")" \
    "$((SAME + 1)) $((SAME + 1))"

# --- the books ---------------------------------------------------------------------------------
is "nothing pending" "$(kp pending)" ""
is "invoice numbers: one per done sale, no gap, no two alike" \
    "$(q "SELECT COUNT(invoice_no) || ' ' || COUNT(DISTINCT invoice_no) || ' ' || MAX(invoice_no)
          FROM sales")" \
    "$(q "SELECT COUNT(*) FROM sales WHERE state IN (1, 3)") $(q "SELECT COUNT(*) FROM sales WHERE state IN (1, 3)") $(q "SELECT COUNT(*) FROM sales WHERE state IN (1, 3)")"
run kp audit verify
like "one audit chain across both stations, intact" "$OUT" '^audit chain intact'
is "the chain holds every operation of both stations" \
    "$(q "SELECT COUNT(*) FROM audit WHERE op IN ('sale', 'open')")" \
    "$(q "SELECT COUNT(*) FROM sales WHERE state = 1")"
run kp report period --from 2000-01-01 --to 2099-12-31
money=$(q "SELECT SUM(amount_fen) FROM sales WHERE state = 1")
yuan=$(printf '%d.%02d' $((money / 100)) $((money % 100)))
like "the period report's total is psql's sum ($yuan yuan)" "$OUT" "$yuan"
run kp check
is "kwhpos check finds nothing wrong" "$RC" 0
is "the maintained totals equal the balances" "$(q "SELECT SUM(balance_ckwh) FROM totals")" \
    "$(q "SELECT SUM(balance_ckwh) FROM customers WHERE status IN (1, 2)")"
done_testing
