#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The card layout (profile) of a site and of the simulator's meters: a site takes its
# layout at kwhpos init (--card-profile, default kwh1) and may change it only before its
# first card; an unknown layout, or the test layout outside the test suites, is refused
# with the layouts it could be. Cards are written in the site's layout: a meter of that
# layout takes them, a meter of another layout cannot read them (E2). Runs in the layout
# of $KWH_CARD_PROFILE like every loop suite (make check-profile).
# kwh-backends: sqlite pg
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/loop_lib.sh"

A=10000001 M1=12345678 M2=23456789
OTHER=$([ "$LAYOUT" = kwh1 ] && echo test || echo kwh1)
export KWHPOS_TEST_PROFILES=1 # two layouts to choose between
INI2=$T/b.ini DB2=$T/b.db

start_sim
ok "the simulator starts" test -S "$D/control.sock"

# --- choosing the layout ---------------------------------------------------------------
{ db_ini "$DB2" && printf '[reader]\nport = %s\n' "$D/reader"; } >"$INI2"
[ "$BACKEND" = pg ] && pg_create "$DB2"
run "$KWHPOS" -c "$INI2" init --area 123456 --card-profile acme9
is "an unknown layout: exit 2" "$RC" 2
like "it names the layouts there are" "$OUT" 'card layout "acme9" is not one this version of kwhpos writes: choose one of kwh1'
like "and in Chinese" "$(LANGUAGE=zh_CN "$KWHPOS" -c "$INI2" init --area 123456 --card-profile acme9 2>&1)" \
    '电卡格式“acme9”.*kwh1'
run env -u KWHPOS_TEST_PROFILES "$KWHPOS" -c "$INI2" init --area 123456 --card-profile test
is "the test layout outside the test suites: exit 2" "$RC" 2
like "it is not offered" "$OUT" 'card layout "test" is not one'
run "$KWHPOS" -c "$INI2" init --area 123456
is "nothing was left half-made: the site can be made after all" "$RC" 0
is "in kwhpos's own layout when none is named" \
    "$(printf '1\n' | "$KWHPOS" -c "$INI2" --user system settings show 2>&1 | sed -n 's/^card_profile: //p')" kwh1

ok "a site in layout $LAYOUT" new_site "$INI" "$DB" 123456
run kp settings show
is "settings show names its layout" "$(kv card_profile)" "$LAYOUT"
like "and the layouts a site may choose" "$OUT" 'card_profile_known: kwh1 \(kwhpos layout 1\)'
unlike "not the test layout" "$OUT" 'card_profile_known: test'
like "init is in the audit with the layout" "$(q "SELECT after FROM audit WHERE op = 'init'")" "card_profile=$LAYOUT"

run kp settings set --card-profile "$OTHER"
is "before the first card the layout may change" "$RC" 0
is "it did" "$(kp settings show | sed -n 's/^card_profile: //p')" "$OTHER"
is "audited, before and after" \
    "$(q "SELECT before || ' ' || after FROM audit WHERE op = 'card-profile' ORDER BY id LIMIT 1")" \
    "card_profile=$LAYOUT card_profile=$OTHER"
run kp settings set --card-profile acme9
is "an unknown one is refused: exit 2" "$RC" 2
run kp settings set --card-profile "$LAYOUT"
is "and back" "$RC $(kp settings show | sed -n 's/^card_profile: //p')" "0 $LAYOUT"

# --- cards in the site's layout, meters of either ----------------------------------------
sim new-meter $M1 >/dev/null
sim new-meter $M2 --profile "$OTHER" >/dev/null
like "a meter says which layout it reads" "$(sim show $M1)" "layout +$LAYOUT"
like "the other one too" "$(sim show $M2)" "layout +$OTHER"
sim new-card c1 >/dev/null
sim insert c1 >/dev/null
run kp open --name 张三 --meter $M1 --tariff 居民生活用电 --kwh 50
is "an account is opened" "$RC $(kv customer)" "0 $A"
sim eject >/dev/null
is "the card is in the site's layout: its PSC state says site" "$(sim card-piece c1 psc --state)" site
is "a meter of the other layout cannot read it: E2" "$(mi $M2 c1)" E2
is "the meter of the site's layout takes it" "$(mi $M1 c1)" good
is "and holds 50 kWh" "$(field $M1 remaining)" "50.0"

run kp settings set --card-profile "$OTHER"
is "with cards issued the layout cannot change: exit 5" "$RC" 5
like "it says why and what to do" "$OUT" "cards have been issued in card layout $LAYOUT.*site database of their own"
like "in Chinese too" "$(LANGUAGE=zh_CN kp settings set --card-profile "$OTHER" 2>&1)" \
    "已经按电卡格式 $LAYOUT 发过卡"
is "the layout is unchanged" "$(kp settings show | sed -n 's/^card_profile: //p')" "$LAYOUT"
sim insert c1 >/dev/null
run kp sell --customer $A --kwh 10
is "and the site still sells" "$RC $(kv state)" "0 done"
sim eject >/dev/null
is "which its meter takes" "$(mi $M1 c1)" good

# --- the simulator's layout -----------------------------------------------------------
run "$KWHSIM" --dir "$D" --profile acme9 show $M1
is "kwhsim --profile with an unknown layout: exit 2" "$RC" 2
like "it says which there are" "$OUT" 'card layout "acme9".*kwh1.*test'
run env KWHSIM_PROFILE=acme9 "$KWHSIM" --dir "$D" show $M1
is "so does \$KWHSIM_PROFILE" "$RC" 2
run "$KWHSIM" --dir "$D" --profile "$OTHER" new-meter 34567890
like "new-meter takes the simulator's layout" "$OUT" "card layout $OTHER"

run kp audit verify
like "the audit chain is intact" "$OUT" '^audit chain intact'
done_testing
