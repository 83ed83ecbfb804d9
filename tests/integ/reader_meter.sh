#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# kwhsim meters with cards written through the reader driver: every display code,
# key learning, overdraft, alarm, trips and each tool card.
. "$(dirname "$0")/lib.sh"

D=$T/sim
mkdir -p "$D"
SEC=0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20
M=12345678
P="alarm=1000 overdraft=500 hoard=50000 limit=40"
sim() { "$KWHSIM" --dir "$D" "$@"; }
rt() { "$TOOLS/readertool" --port "$D/reader" --secret "${SECRET:-$SEC}" --area "${AREA:-123456}" "$@"; }
# issue CARD TYPE name=value...: writes a card through the reader (a blank one if new)
issue() {
    local card=$1 rc; shift
    [ -e "$D/$card.card" ] || sim new-card "$card" >/dev/null
    sim insert "$card" >/dev/null
    rt issue "$@" >"$T/issue.out" 2>&1; rc=$?
    sim eject >/dev/null
    return $rc
}
# decode CARD: what the counter reads back
decode() { sim insert "$1" >/dev/null; rt decode 2>&1; sim eject >/dev/null; }
mi() { sim meter-insert "$@" 2>&1 | head -n 1 | sed 's/^meter [0-9]*: //'; }
field() { sim show "$1" | awk -v k="$2" '$1 == k { print $2 }'; }

"$KWHSIM" --dir "$D" serve 2>"$T/serve.log" &
SIM_PID=$!
on_exit "kill $SIM_PID 2>/dev/null; wait $SIM_PID 2>/dev/null"
ok "the simulator starts" wait_for 10 test -S "$D/control.sock"
ok "a single-phase meter is made" sim new-meter $M --type 单相 --rating 60 --constant 1600
is "a new meter is un-opened" "$(field $M opened)" "no"
is "a new meter with no credit is tripped" "$(field $M relay)" "open"

# a meter with no key
ok "a user card without the key is written" issue nokey user meter=$M count=1 ckwh=10000 $P
is "a meter with no key cannot check a card without one: E3" "$(mi $M nokey)" "E3"
ok "a key card for another meter is written" issue other user meter=87654321 count=1 ckwh=10000 flags=keyx $P
is "a key card for another meter: E5" "$(mi $M other)" "E5"
is "the un-opened meter is unchanged" "$(field $M opened)" "no"

# opening: the meter learns the key from the card and takes its count
ok "an opening card with the key is written" issue c1 user meter=$M count=4 ckwh=10000 flags=keyx $P
like "the card carries the key area" "$(sim card-show c1)" '^c0: ([0-9a-f]{2} )*' 
out=$(sim meter-insert $M c1)
like "the opening card loads: good" "$out" "^meter $M: good"
like "the meter is opened" "$out" 'opened +yes'
like "it took the card's count" "$out" 'count +4 '
like "remaining shows 100.0 kWh" "$out" 'remaining +100\.0 kWh'
like "bought shows 100 kWh" "$out" 'bought +100 kWh'
like "the relay closed" "$out" 'relay +closed'
like "the version is shown" "$out" 'version +CHu-IC1\.6'
like "the meter number is shown" "$out" "number +n$M"
like "the constant is shown" "$out" 'constant +C=1600'
like "the limit power is 220 V x 40 A" "$out" 'power-limit +P=8\.80 kW'
is "the meter wiped the key area on the card" "$(sim card-show c1 | grep '^c0:')" "c0: $(printf 'ff %.0s' {1..15})ff"
out=$(decode c1)
like "the card decodes after the wipe" "$out" 'card type=user'
like "the meter wrote its return area" "$out" "return meter=$M count=4 status=0x01 remaining=10000 used=0 bought=10000 display=good"
like "the counter sees the purchase loaded" "$out" 'loaded=yes'

# purchase count rule
is "the same card again: EA" "$(mi $M c1)" "EA"
like "EA is reported on the card too" "$(decode c1)" 'display=EA'
ok "a card that skips a count is written" issue c1 user meter=$M count=6 ckwh=5000 $P
is "count two ahead: E7" "$(mi $M c1)" "E7"
ok "a card one behind is written" issue c1 user meter=$M count=3 ckwh=5000 $P
is "count behind: E7" "$(mi $M c1)" "E7"
ok "the next purchase is written" issue c1 user meter=$M count=5 ckwh=5000 $P
is "count + 1 loads: good" "$(mi $M c1)" "good"
is "remaining adds up" "$(field $M remaining)" "150.0"
is "bought adds up" "$(field $M bought)" "150"
ok "a no-purchase card one ahead is written" issue c1 user meter=$M count=6 ckwh=0 flags=nopurchase $P
is "no purchase at count - 1: E7" "$(mi $M c1)" "E7"
ok "a no-purchase card at the meter's count is written" issue c1 user meter=$M count=5 ckwh=0 flags=nopurchase alarm=2000 overdraft=500 hoard=50000 limit=40
is "no purchase at the meter's count: good" "$(mi $M c1)" "good"
is "and its parameters apply" "$(field $M alarm)" "20"

# overflow
ok "a purchase over the hoard limit is written" issue c1 user meter=$M count=6 ckwh=40000 $P
is "over the hoard limit: E8" "$(mi $M c1)" "E8"
is "nothing loaded after E8" "$(field $M remaining)" "150.0"
ok "a purchase over the register is written" issue c1 user meter=$M count=6 ckwh=99990000 alarm=1000 overdraft=500 hoard=0 limit=40
is "over the register: E4" "$(mi $M c1)" "E4"

# identity checks
ok "a card for another meter is written" issue c2 user meter=11112222 count=6 ckwh=1000 $P
is "an opened meter and another meter's card: E5" "$(mi $M c2)" "E5"
AREA=654321 issue c3 user meter=$M count=6 ckwh=1000 $P
is "a card of another area: E6" "$(mi $M c3)" "E6"
SECRET=ff${SEC:2} issue c4 user meter=$M count=6 ckwh=1000 $P
is "same area, another site's key: E3" "$(mi $M c4)" "E3"
sim new-card blank >/dev/null
is "a blank card: E2" "$(mi $M blank)" "E2"
ok "a good next card is written" issue c5 user meter=$M count=6 ckwh=1000 $P
cp "$D/c5.card" "$D/c6.card"
sed -i 's/^10: \(..\) \(..\) \(..\) \(..\) \(..\) \(..\) \(..\) \(..\) \(..\) \(..\) \(..\) \(..\) \(..\) \(..\) \(..\) \(..\)/10: \1 \2 \3 \4 \5 \6 \7 \8 \9 ff ff ff ff ff ff ff/' "$D/c6.card"
sed -i 's/^50: \(..\) \(..\) \(..\) \(..\) \(..\) \(..\) \(..\) \(..\) \(..\) \(..\) \(..\) \(..\) \(..\) \(..\) \(..\) \(..\)/50: \1 \2 \3 \4 \5 \6 \7 \8 \9 ff ff ff ff ff ff ff/' "$D/c6.card"
ok "the hand-edited card differs from the genuine one" bash -c "! cmp -s '$D/c5.card' '$D/c6.card'"
is "a hand-edited card: E3" "$(mi $M c6)" "E3"
cp "$D/c5.card" "$D/c7.card"
sed -i 's/^psc .*/psc 000000/' "$D/c7.card"
is "a card whose PSC is not the site's: E3" "$(mi $M c7)" "E3"
like "the meter spent one PSC try on it" "$(sim card-show c7)" '^tries 2$'
is "bad contact: E-00" "$(mi $M c5 --bad-contact)" "E-00"
is "nothing was loaded through a bad contact" "$(field $M remaining)" "150.0"
is "the genuine card loads: good" "$(mi $M c5)" "good"

# generation: a reissued card (generation 1) retires the older one
ok "a reissue (已消费) is written" issue r1 user meter=$M count=6 ckwh=0 gen=1 flags=nopurchase $P
is "the reissued card: good" "$(mi $M r1)" "good"
is "the meter holds generation 1" "$(field $M generation)" "1"
ok "the old card gets its next purchase" issue c5 user meter=$M count=7 ckwh=1000 $P
is "an older card generation: E1" "$(mi $M c5)" "E1"

# E9: the meter's memory damaged
cp "$D/meter-$M.txt" "$T/meter.bak"
sed -i 's/^remaining .*/remaining 99999/' "$D/meter-$M.txt"
is "a meter whose memory fails its check: E9" "$(mi $M r1)" "E9"
like "show tells the memory is damaged" "$(sim show $M)" 'state +E9'
cp "$T/meter.bak" "$D/meter-$M.txt"

# energy: alarm, trip at zero, overdraft, trip again
is "the meter starts this part with 160 kWh" "$(field $M remaining)" "160.0"
out=$(sim use $M --kwh 145)
like "using energy counts it" "$out" 'used 145\.00 kWh'
like "above the alarm level the display is steady" "$out" 'remaining +15\.0 kWh  '
out=$(sim use $M --kwh 7)
like "below the alarm level the display flashes" "$out" 'remaining +8\.0 kWh \(flashing\)'
like "the state says alarm" "$out" 'state +alarm'
out=$(sim use $M --kw 2 --hours 10)
like "power x time stops at zero credit" "$out" 'used 8\.00 kWh'
like "and trips" "$out" '拉闸 trip: no credit'
is "the relay is open" "$(field $M relay)" "open"
like "a tripped meter uses nothing" "$(sim use $M --kwh 1)" 'no energy used'
is "re-inserting the card (no purchase, at the meter's count): good" "$(mi $M r1)" "good"
is "and the overdraft closes the relay" "$(field $M relay)" "closed"
out=$(sim use $M --kwh 2)
like "overdraft shows negative remaining" "$out" 'remaining +-2\.0 kWh'
like "the card reports the overdraft" "$(mi $M r1 >/dev/null; decode r1)" 'remaining=-200 .*'
like "its status has the overdraft flag" "$(decode r1)" 'status=0x2'
out=$(sim use $M --kwh 10)
like "the overdraft runs out at its limit" "$out" 'used 3\.00 kWh'
like "and trips again" "$out" 'overdraft is used up'
is "remaining stops at minus the overdraft" "$(field $M remaining)" "-5.0"

# a purchase closes it again; then overload
ok "a purchase is written" issue r1 user meter=$M count=7 ckwh=10000 gen=1 $P
is "the purchase loads: good" "$(mi $M r1)" "good"
is "debt is paid first" "$(field $M remaining)" "95.0"
is "the relay is closed" "$(field $M relay)" "closed"
out=$(sim use $M --kw 9 --minutes 30)
like "a load over the limit power trips on overload" "$out" '过载拉闸 overload trip'
like "the display says 过载拉闸" "$(sim show $M)" 'state +过载拉闸'
is "an overload trip uses nothing" "$(field $M remaining)" "95.0"
is "the card back in (no overload now): EA" "$(mi $M r1)" "EA"
is "closes the relay" "$(field $M relay)" "closed"
like "a forced overload trips at once" "$(sim overload $M on)" '过载拉闸'
is "the relay is open under overload" "$(field $M relay)" "open"
like "overload off waits for a card" "$(sim overload $M off)" 'next card insertion'
mi $M r1 >/dev/null
is "after the card the relay is closed" "$(field $M relay)" "closed"
out=$(sim use $M --kw 1.5 --minutes 60)
like "a normal load shows its power" "$out" 'power +P=1\.50 kW'
like "and uses power x time" "$out" 'used 1\.50 kWh'

# tool cards
ok "a relay card is written" issue relay relay
is "the relay card: good" "$(mi $M relay)" "good"
is "the relay flips open" "$(field $M relay)" "open"
sim use $M --kwh 0.5 >/dev/null
is "and comes back at the next action" "$(field $M relay)" "closed"
ok "a test card is written" issue test test
is "the test card: good" "$(mi $M test)" "good"
like "test mode: measured, not charged" "$(sim use $M --kwh 5)" 'not charged'
is "remaining unchanged in test mode" "$(field $M remaining)" "93.0"
mi $M test >/dev/null
is "the test card again ends test mode" "$(field $M test-mode)" "off"
ok "a 保电 management card is written" issue mgmt management alarm=999900 overdraft=999900 hoard=999900
is "the management card: good" "$(mi $M mgmt)" "good"
is "its alarm applies" "$(field $M alarm)" "9999"
is "its overdraft applies" "$(field $M overdraft)" "9999"
ok "a refund card is written" issue refund refund meter=$M count=7 gen=1 $P
is "the refund card: good" "$(mi $M refund)" "good"
out=$(decode refund)
like "the refund card carries the remaining credit" "$out" 'remaining=9300 '
like "with the refund flag" "$out" 'status=0x1[0-9a-f]'
is "the meter is zeroed" "$(field $M remaining)" "0.0"
is "and tripped" "$(field $M relay)" "open"
ok "a refund card for the wrong meter is written" issue refund2 refund meter=11112222 count=7 $P
is "a refund card for another meter: E5" "$(mi $M refund2)" "E5"

# overdraft owed on refund
ok "a second meter" sim new-meter 22223333 --type three-direct --rating 80
issue d1 user meter=22223333 count=1 ckwh=1000 flags=keyx $P
is "it opens" "$(mi 22223333 d1)" "good"
is "three-phase limit power is 3 x 220 V x 40 A" "$(field 22223333 power-limit)" "P=26.40"
sim use 22223333 --kwh 10 >/dev/null; mi 22223333 d1 >/dev/null; sim use 22223333 --kwh 3 >/dev/null
issue d2 refund meter=22223333 count=1 $P
is "a refund in overdraft: good" "$(mi 22223333 d2)" "good"
like "the refund card shows the debt" "$(decode d2)" 'remaining=-300 '

# clear card: back to un-opened, then a key card opens it at any count
ok "a clear card is written" issue clear clear
is "the clear card: good" "$(mi $M clear)" "good"
is "the meter is un-opened" "$(field $M opened)" "no"
is "its count is zero" "$(field $M count)" "0"
is "a user card without the key: E3" "$(mi $M r1)" "E3"
ok "an opening card at count 9 is written" issue n1 user meter=$M count=9 ckwh=2000 flags=keyx $P
is "the cleared meter opens at any count: good" "$(mi $M n1)" "good"
is "and takes count 9" "$(field $M count)" "9"

# a CT meter multiplies by the card's ratio
ok "a CT meter" sim new-meter 33334444 --type three-ct --rating 5
issue ct user meter=33334444 count=1 ckwh=100000 flags=keyx mtype=2 ct=50 alarm=1000 overdraft=0 hoard=0 limit=5
is "the CT card opens it" "$(mi 33334444 ct)" "good"
like "the ratio comes from the card" "$(sim show 33334444)" 'CT ratio 50'
like "1 kWh measured is 50 kWh used" "$(sim use 33334444 --kwh 1)" 'used 50\.00 kWh'

# bad input
out=$(sim meter-insert 99999999 c1 2>&1); rc=$?
ok "a missing meter is an error" test $rc -ne 0
like "that names the meter and the fix" "$out" 'no meter 99999999 .*new-meter'
like "a bad meter number is named" "$(sim show 1234 2>&1)" 'not a meter number'
like "use needs an amount" "$(sim use $M 2>&1)" 'give either --kwh'
like "a bad amount is refused" "$(sim use $M --kwh abc 2>&1)" '--kwh abc'
like "a bad meter type is refused" "$(sim new-meter 55556666 --type quad 2>&1)" 'use single'
sim insert c1 >/dev/null
like "a card in the reader cannot go into a meter" "$(sim meter-insert $M c1 2>&1)" 'is in the reader'
sim eject >/dev/null
printf 'kwhsim-meter 1\nnumber abc\n' >"$D/meter-44445555.txt"
like "a damaged meter file is named" "$(sim show 44445555 2>&1)" 'meter-44445555.txt line 2'
done_testing
