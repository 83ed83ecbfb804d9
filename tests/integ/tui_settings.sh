#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The settings screens (M2-M7, M34) in English: each change checked on the screen and in
# the database or the station file (the INI is never written).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tui_lib.sh"

tui_site || { echo "not ok - site"; exit 1; }
db "update operators set must_change=0 where name='system'" >/dev/null
tui_ini "language=en"
tui_start
tui_login system 1
tui_see "logged in" "F9 or Enter opens the menu"

# M2 the card reader, saved in the station file ($T/station.ini beside the database), not
# the INI: one list of what the machine has (serial ports with their descriptions, PC/SC
# readers), another serial port typed, or none. The UI runs on the simulator's reader,
# a pty no port list has: it is the typed one.
ini_before=$(cat "$TUI_INI")
tui_menu 1 1
tui_see "card reader screen" "Card reader"
tui_see "the simulator's reader is another serial port" "< Another serial port (type it below) >"
tui_like "with its port in the field" "Serial port +/.*/reader"
first=$("$KWHPOS" ports 2>/dev/null | head -n 1 | cut -f3)
if [ -n "$first" ]; then
    tui_see "the screen lists the detected readers" "$first"
else
    tui_see "the screen says no reader was found" "No card reader found"
fi
tui_keys Right
tui_see "the last choice is no reader" "< No reader >"
unlike "no port or speed field without a serial reader" "$(tui_screen)" "Speed \(baud\)"
tui_keys Left
tui_see "another serial port: its field appears" "Serial port"
tui_see "and the speed" "Speed (baud)"
tui_keys Tab C-u; tui_type "/dev/ttyUSB7"; tui_keys Tab Right Enter
tui_see "port saved" "Saved. The new reader is used from the next start"
like "the station file has the serial driver" "$(cat "$T/station.ini")" "driver = serial"
like "the station file has the port" "$(cat "$T/station.ini")" "port = /dev/ttyUSB7"
like "the station file has the speed" "$(cat "$T/station.ini")" "baud = 19200"
is "the INI is not written" "$(cat "$TUI_INI")" "$ini_before"
unlike "the station file names no source tree" "$(cat "$T/station.ini")" "etc/kwhpos.ini|$KWH_TOP"
out=$(echo 1 | "$KWHPOS" -c "$TUI_INI" --user system card read 2>&1)
like "the command line uses the station's port" "$out" "/dev/ttyUSB7"

# M3 unit name and phone
tui_menu 1 2
tui_see "unit screen" "Unit name"
tui_keys C-u; tui_type "阳光小区物业"; tui_keys Tab C-u; tui_type "0571-12345678"; tui_keys Enter
tui_see "unit saved" "Invoices print the new name"
like "unit name in the database" "$(db "select value from settings")" "阳光小区物业"

# M4 area code: a bad one is refused by the field check, a good one saved
tui_menu 1 3
tui_see "area code screen" "Six digits 0-9"
tui_see "it names the site's card layout" "Card layout: kwh1"
tui_keys C-u; tui_type "12345"; tui_keys Enter
tui_see "five digits refused" "Area code must be exactly 6 digits"
tui_type "9"; tui_keys Enter
tui_see "area code saved" "Area code saved."
like "area code in the database" "$(db "select value from settings")" "123459"

# an account (its card on the test reader): from now on cards exist
tui_menu 2 1
tui_see "open account screen" "Open account and first purchase"
tui_type "Zhang"; tui_keys Tab Tab Tab Tab Tab Tab Tab Tab; tui_type "20240009"
# a CT meter: the ratio typed is confirmed with the rest
tui_keys Tab Right Tab Tab Tab Tab Tab Tab C-u; tui_type "40"; tui_keys Enter
tui_wait "Write the blank card in the reader?"
tui_like "the opening confirmation shows the CT ratio" "CT ratio +40"
tui_keys Enter
tui_see "account opened" "Account opened" 20
tui_keys Enter
tui_see "the form is empty for the next account" "Customer number 10000001 opened"
unlike "no name left in the form" "$(tui_screen)" "Zhang|20240009"
is "account in the database" "$(db "select name, meter_no from customers")" "Zhang|20240009"
is "its CT ratio in the database" "$(db "select ct_ratio from customers")" 40

# M17 in English: a transfer by the card in the reader
tui_menu 5 1
tui_see "en transfer screen" "Ownership transfer"
tui_keys F2
tui_see "en transfer: card read" "Zhang"
unlike "en transfer: nothing cut short" "$(tui_screen)" "…"
tui_type "Wang"; tui_keys Tab Tab; tui_type "13900000000"; tui_keys Enter
tui_see "en transfer: asks" "from Zhang to Wang?"
tui_keys Enter
tui_see "en transfer: done" "now belongs to Wang"
is "en transfer: new owner in the database" "$(db "select name, phone from customers")" "Wang|13900000000"
is "en transfer: recorded as an event" "$(db "select count(*) from events where kind = 101")" 1

# M4 once cards exist: a new area code needs confirming; Esc leaves it unchanged
tui_menu 1 3
tui_see "area code screen warns about issued cards" "Cards have been issued"
tui_keys C-u; tui_type "654321"; tui_keys Enter
tui_see "a new area code asks first" "Change the area code"
tui_keys Escape
wait_for 5 _tui_gone "Change the area code"
is "area code unchanged" "$(db "select value from settings where key = 'area_code'")" 123459

# M5 tariffs: add, reprice, delete
tui_menu 1 4
tui_see "tariff screen" "Price (yuan/kWh)"
tui_keys F5; tui_type "Shop"; tui_keys Tab Tab; tui_type "0.6123"; tui_keys Enter
tui_see "tariff added" "Tariff Shop added."
is "tariff in the database" "$(db "select t.name, p.price from tariffs t join tariff_prices p on p.tariff_id = t.id where t.name = 'Shop'")" "Shop|6123"
tui_keys Tab Tab Tab C-u; tui_type "0.65"; tui_keys Enter
# a new price asks first, old -> new and how many accounts use it; Esc saves nothing
tui_see "reprice asks: old and new price" "Change the price of Shop from 0.6123 to 0.6500 yuan/kWh?"
tui_see "reprice asks: how many accounts" "0 open accounts use it"
tui_keys Escape
tui_see "reprice declined" "Cancelled; nothing was saved."
is "price unchanged" "$(db "select count(*) from tariffs t join tariff_prices p on p.tariff_id = t.id where t.name = 'Shop'")" 1
tui_keys Enter
tui_wait "Change the price of Shop" && tui_keys Enter
tui_see "tariff repriced" "Tariff Shop saved."
is "price history kept" "$(db "select group_concat(price) from (select p.price from tariffs t join tariff_prices p on p.tariff_id = t.id where t.name = 'Shop' order by p.id)")" "6123,6500"
# a price dated tomorrow (生效日期) waits: scheduled, shown under the form, not yet in force
tomorrow=$(date -d tomorrow +%F)
tui_keys Tab Tab Tab C-u; tui_type "0.7"; tui_keys Tab
tui_like "the date field, today by default" "Effective from +$(date +%F)"
tui_keys C-u; tui_type "$tomorrow"; tui_keys Enter
tui_see "a scheduled change says so" "Shop at 0.7000 yuan/kWh from $tomorrow (待生效)"
tui_keys Enter
tui_see "scheduled change saved" "Tariff Shop saved."
tui_see "and shown as scheduled" "Scheduled (待生效): 0.7000 yuan/kWh from $tomorrow."
is "stored from tomorrow's first second" "$(db "select price, valid_from = cast(strftime('%s', '$tomorrow', 'utc') as integer) from tariff_prices p join tariffs t on t.id = p.tariff_id where t.name = 'Shop' order by p.id desc limit 1")" "7000|1"
tui_see "the price in force is still the old one" "0.6500"
tui_keys F6
tui_see "delete asks" "Delete the tariff Shop?"
tui_keys Enter
tui_see "tariff deleted" "Tariff deleted."
is "tariff inactive" "$(db "select active from tariffs where name = 'Shop'")" 0
# the tariff of an account cannot be deleted
tui_menu 1 4
tui_see "tariff screen again" "Price (yuan/kWh)"
tui_keys F6
tui_see "delete the tariff in use asks" "Delete the tariff 居民生活用电?"
tui_keys Enter
tui_see "the tariff in use is not deleted" "Not done"
tui_keys Enter
is "tariff in use still active" "$(db "select active from tariffs where name = '居民生活用电'")" 1
# a tiered tariff (阶梯电价, made on the command line) is shown with its tiers; making it
# flat here asks first
ok "a tiered tariff" wait_for 20 sh -c "echo 1 | '$KWHPOS' --db '$TUI_DB' --user system tariff add --name Ladder --tiers 200:0.5,0.8 --period monthly"
tui_menu 1 4
tui_see "the tiered tariff with its tiers" "0.5000, 2 tiers"
versions=$(db "select count(*) from tariff_prices p join tariffs t on t.id = p.tariff_id where t.name = 'Ladder'")
tui_keys Down Down Tab
tui_like "its kind" "Tariff kind +< Tiered"
tui_like "its period" "Tiers count +< Monthly >"
tui_like "its first tier" "Tier 1 up to \(kWh\) +200\.00 +Tier 1 price +0\.5000"
tui_like "its last tier, without a bound" "Tier 2 up to \(kWh\) +Tier 2 price +0\.8000"
tui_keys Tab Left Tab C-u; tui_type "0.6"; tui_keys Enter
tui_see "a flat price for a tiered tariff asks first" "Tiered tariff"
tui_see "saying it becomes flat" "flat tariff"
tui_keys Escape
wait_for 5 _tui_gone "flat tariff"
is "nothing changed" "$(db "select count(*) from tariff_prices p join tariffs t on t.id = p.tariff_id where t.name = 'Ladder'")" "$versions"
tui_keys Enter
tui_see "asked again" "flat tariff"
tui_keys Enter
tui_see "the tariff saved" "Tariff Ladder saved."
is "a flat price from now on" "$(db "select p.price, p.period_months from tariff_prices p join tariffs t on t.id = p.tariff_id where t.name = 'Ladder' order by p.id desc limit 1")" "6000|0"
tui_keys F7
tui_see "F7: the price history, newest first" "flat, 0.6000 yuan/kWh"
tui_see "with the tiers it had before" "monthly: to 200.00 kWh 0.5000; above 0.8000"
tui_keys Enter
# a new tiered tariff typed here: Zhejiang's ladder, annual from July. Bad tables are
# refused with what is wrong, and nothing is written
tariffs=$(db "select count(*) from tariffs")
tui_keys F5; tui_type "Zhejiang"; tui_keys Tab Right
tui_like "a tiered tariff asks for its period" "Tiers count +< Annual >"
tui_keys Tab Tab C-u; tui_type "7"
tui_keys Tab; tui_type "2760"; tui_keys Tab; tui_type "0.538"
tui_keys Tab; tui_type "2700"; tui_keys Tab; tui_type "0.588"
tui_keys Tab Tab; tui_type "0.838"; tui_keys Enter
tui_see "tiers not increasing are refused" "tiers must increase: tier 1 ends at 2760.00 kWh, tier 2 at 2700.00 kWh"
tui_keys BTab BTab BTab C-u; tui_type "4800"; tui_keys Tab C-u; tui_type "0"; tui_keys Enter
tui_see "a price of 0 is refused" "tier 2: the price must be more than 0"
tui_keys BTab BTab BTab BTab C-u; tui_type "13"; tui_keys Enter
tui_see "month 13 is refused" "Start month must be a whole number from 1 to 12"
tui_keys C-u; tui_type "7"; tui_keys Tab Tab Tab Tab C-u; tui_type "0.588"; tui_keys Tab; tui_type "x"
tui_see "a letter in the kWh is refused as typed" "only digits and one decimal point"
is "nothing written by the refusals" "$(db "select count(*) from tariffs")" "$tariffs"
tui_keys Enter
tui_see "the tiered tariff added" "Tariff Zhejiang added."
is "its tiers in the database" "$(db "select group_concat(upto_ckwh || '@' || price) from (select r.upto_ckwh, r.price from tariff_tiers r join tariff_prices p on p.id = r.price_id join tariffs t on t.id = p.tariff_id where t.name = 'Zhejiang' order by r.n)")" "276000@5380,480000@5880,0@8380"
is "annual from July" "$(db "select p.period_months, p.period_start from tariff_prices p join tariffs t on t.id = p.tariff_id where t.name = 'Zhejiang'")" "12|7"
# 合表: a shared meter's flat tariff
tui_keys F5; tui_type "Shared"; tui_keys Tab Right Right Tab; tui_type "0"; tui_keys Enter
tui_see "a price of 0 is refused before anything is asked" "price: more than 0"
is "no 合表 tariff yet" "$(db "select count(*) from tariffs where name = 'Shared'")" 0
tui_keys C-u; tui_type "0.5683"; tui_keys Enter
tui_see "the 合表 tariff added" "Tariff Shared added."
tui_see "and listed as 合表" "0.5683 合表"
is "its kind in the database" "$(db "select kind from tariffs where name = 'Shared'")" 1

# M6 operators: a seller, then a second admin deleted
tui_menu 1 5
tui_see "operators screen" "Password again"
tui_keys F5; tui_type "clerk"; tui_keys Tab Tab; tui_type "clerk-pw"; tui_keys Tab; tui_type "clerk-pw"; tui_keys Enter
tui_see "seller added, told to choose a password at first login" "Operator clerk added. They choose their own password"
tui_keys F5; tui_type "boss"; tui_keys Tab Right Tab; tui_type "boss-pw1"; tui_keys Tab; tui_type "boss-pw2"; tui_keys Enter
tui_see "mismatched passwords refused" "Not done"
tui_keys Enter
is "no operator boss" "$(db "select count(*) from operators where name = 'boss' and active = 1")" 0
tui_keys Escape
tui_menu 1 5
tui_see "operators screen again" "Password again"
tui_keys F5; tui_type "temp"; tui_keys Tab Tab; tui_type "temp-pw1"; tui_keys Tab; tui_type "temp-pw1"; tui_keys Enter
tui_see "operator temp added" "Operator temp added."
is "temp in the database" "$(db "select count(*) from operators where name = 'temp' and active = 1")" 1
tui_like "temp is the selected operator" "Name +temp"
tui_keys F6
tui_see "delete asks" "Delete the operator temp?"
tui_keys Enter
tui_see "operator deleted" "Operator deleted."
is "temp no longer active" "$(db "select count(*) from operators where name = 'temp' and active = 1")" 0

# M7 own password
hash0=$(db "select pw_hash from operators where name = 'system'")
tui_menu 1 6
tui_see "password screen" "Old password"
tui_type "1"; tui_keys Tab; tui_type "new-admin-pw"; tui_keys Tab; tui_type "new-admin-pw"; tui_keys Enter
tui_see "password changed" "The password of system was changed."
hash1=$(db "select pw_hash from operators where name = 'system'")
ok "the password hash in the database changed" test -n "$hash1" -a "$hash1" != "$hash0"

# M34 monthly free energy
tui_menu 1 8
tui_see "limits screen" "Monthly free kWh"
tui_keys C-u; tui_type "10.5"; tui_keys Enter
tui_see "limits saved" "Saved."
like "free energy in the database" "$(db "select value from settings")" "1050"
# how each card read starts a sale: by kWh (1) instead of by amount (2, the default)
tui_like "limits: each card read starts by amount" "Each card read starts +< By amount >"
tui_keys Tab Tab Tab Tab Right
tui_like "limits: by kWh chosen" "Each card read starts +< By kWh >"
tui_keys Enter
sale_mode_kwh() { [ "$(db "select value from settings where key = 'sale_mode'")" = 1 ]; }
ok "the default settlement (by kWh) in the database" wait_for 5 sale_mode_kwh

# fees: a per-sale fee; the site's arrears rule, a percentage over 100 refused
tui_menu 1 9
tui_see "fee screen" "Collected at a sale"
tui_keys F5; tui_type "Service"; tui_keys Tab Tab; tui_type "1.5"; tui_keys Enter
tui_like "the fee added" "Service +Per sale +1\.50"
is "the fee in the database" "$(db "select kind, amount_fen from fee_types")" "2|150"
tui_keys Down Tab Tab C-u; tui_type "101"; tui_keys Enter
tui_see "a percentage over 100 refused" "Percent of each payment must be a whole number from 1 to 100"
tui_keys C-u; tui_type "20"; tui_keys Enter
tui_like "the rule saved" "Arrears recovery \(the site's\) +Percentage of payment +20 %"
# the accounts that owe: none yet
tui_menu 1 0
tui_see "no account owes" "No account owes."
tui_stop

# the seller: first a password of their own (the administrator knows clerk-pw), then no
# admin screens in the menu, own password only
tui_start
tui_login clerk clerk-pw
tui_see "the new seller must choose a password first" "Change your password"
tui_type "clerk-own-1"; tui_keys Tab; tui_type "clerk-own-1"; tui_keys Enter
tui_see "seller logged in" "Operator clerk [Seller]"
is "no longer must change" "$(db "select must_change from operators where name = 'clerk'")" 0
tui_menu 1 2
tui_see "seller's second settings entry is the password screen" "Old password"
tui_like "seller cannot change the operator name" "Operator +clerk"
tui_stop
done_testing
