#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# 待确认写卡 (购电维护, administrators): the card writes waiting for their card, and
# cancelling one whose card will not be read again, with the reason, in both languages
# at 80×24. The writes are made on the command line while no terminal holds the reader,
# each with its card taken out before the first byte (kwhsim fault pull 0): a sale, its
# card file then given every byte of the write (as when the process dies after the
# commit byte), an opening on a factory-blank card (its process killed before the first
# byte, as loop_kill_blank.sh does for real: here the ledger set back to pending), and a
# sale whose card is lost. The
# card in the reader that shows a write stops its cancel with the core's message; the
# others are cancelled, void and audited; a seller's menu has no such item, and the
# core refuses a seller anyway. Reading the card that shows the sale completes it.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tui_lib.sh"

tui_site || { echo "not ok - site"; exit 1; }
db "update operators set must_change=0 where name='system'" >/dev/null
printf '1\nclerk-pw-1\nclerk-pw-1\n' |
    "$KWHPOS" --db "$TUI_DB" --user system operator add --name clerk --role seller >/dev/null
db "update operators set must_change=0" >/dev/null
tui_ini "language=zh_CN" "station.name=东区站"
# a second station on the same database and reader ([station] name of its own)
INI2=$T/k2.ini
sed 's/^name = 东区站$/name = 西区2号/' "$TUI_INI" >"$INI2"
kp() { printf '1\n' | "$KWHPOS" -c "${KINI:-$TUI_INI}" --user system "$@"; }
newest_op() { db "SELECT max(id) FROM card_ops"; }
state_of() { db "SELECT state FROM card_ops WHERE id = $1"; }

# pulled ARGS...: kwhpos ARGS with the card taken out before the first byte of its
# write (kwhsim fault pull 0): the write waits for its card (exit 8)
pulled() {
    sim fault pull 0 >/dev/null
    kp "$@" >"$T/pulled.out" 2>&1
    RC=$?
    sim fault clear >/dev/null
}
# card_put OP CARD: the card file as the write OP leaves it (every byte of its image)
card_put() {
    local f=$TUI_SIM/$2.card hex
    hex=$(db "SELECT lower(hex(new_image)) FROM card_ops WHERE id = $1")
    {
        head -n 3 "$f"
        for ((r = 0; r < 16; r++)); do
            printf '%02x:' $((r * 16))
            for ((i = 0; i < 16; i++)); do printf ' %s' "${hex:r*32+i*2:2}"; done
            echo
        done
    } >"$f.new" && mv "$f.new" "$f"
}

# an account on card c1, and a sale of it that reached the card whole, its process
# killed before it recorded so: the card pulled before the first byte, then the card
# file given every byte of the write
sim eject >/dev/null; sim new-card c1 >/dev/null; sim insert c1 >/dev/null
sim new-meter 20240001 >/dev/null
kp open --name 李四 --meter 20240001 --tariff 1 --kwh 5 >/dev/null
sim eject >/dev/null; sim meter-insert 20240001 c1 >/dev/null; sim insert c1 >/dev/null
pulled sell --customer 10000001 --kwh 5
is "a sale whose card went out before its first byte (exit 8)" "$RC" 8
SHOWN=$(newest_op)
is "waits for its card" "$(state_of "$SHOWN")" 0
card_put "$SHOWN" c1
# an opening whose blank card went out before a byte reached it
sim new-card b1 >/dev/null; sim insert b1 >/dev/null
sim new-meter 20240002 >/dev/null
KINI=$INI2 pulled open --name 王五 --meter 20240002 --tariff 1 --kwh 5
is "an opening at the other station whose blank card went out: nothing written, void (exit 6)" \
    "$RC" 6
BLANK_OP=$(newest_op)
# as when its process is killed between the intent and the first byte (which
# loop_kill_blank.sh does for real): the opening, its sale and its account pending again
db "UPDATE card_ops SET state = 0, settled = 0 WHERE id = $BLANK_OP;
    UPDATE sales SET state = 0 WHERE op_id = $BLANK_OP;
    UPDATE customers SET status = 0 WHERE meter_no = 20240002" >/dev/null
is "the opening waits for its blank card" "$(state_of "$BLANK_OP")" 0

# --- 中文 --------------------------------------------------------------------------------
tui_start
tui_login system 1
tui_wait "F9"
tui_see "the home screen counts the writes waiting" "有 2 次写卡尚未确认"
tui_like "and lists each with the station that recorded it" \
    "20[0-9]{2}-[0-9]{2}-[0-9]{2} [0-9:]{5} +10000001 +李四 +20240001 +日常售电 +东区站"
tui_like "the opening made at the other station" "王五 +20240002 +用户开户 +西区2号"
tui_like "the columns, the station last" "时间 +用户 +姓名 +表号 +操作 +工作站"
tui_menu 4 6
tui_see "the screen opens from 购电维护" "待确认写卡"
tui_like "its columns" "编号 +操作 +用户编号 +姓名 +卡片 +时间 +操作员 +工作站"
tui_like "the sale, its account, card serial and station" \
    " $SHOWN +日常售电 +10000001 +李四 +[0-9a-f]{12} +[0-9]{2}-[0-9]{2} [0-9:]{5} +system +东区站"
tui_like "the opening, for a blank card, made at the other station" \
    " $BLANK_OP +用户开户 +[0-9]{8} +王五 +白卡 +[0-9]{2}-[0-9]{2} [0-9:]{5} +system +西区2号"
tui_see "the selected write's money" "第 $SHOWN 号写卡带有一笔 2.64 元的售电。"
tui_like "where, when and by whom it was recorded" \
    "记录于工作站 东区站，20[0-9]{2}-[0-9]{2}-[0-9]{2} [0-9:]{5}，操作员 system。"
is "the station is kept in the ledger" \
    "$(db "SELECT station FROM card_ops WHERE id IN ($SHOWN, $BLANK_OP) ORDER BY id" | tr '\n' ' ')" \
    "东区站 西区2号 "
tui_like "Enter cancels, on the hint line" "Enter.*取消写卡"
tui_keys F1
tui_see "F1: the screen's keys" "选择一条写卡"
tui_keys Enter

# the card that shows the sale is in the reader: the core refuses
sim insert c1 >/dev/null
tui_keys Enter
tui_see "the reason is asked" "取消第 $SHOWN 号写卡"
tui_keys Enter
tui_see "a reason is required: the question stays" "取消第 $SHOWN 号写卡"
tui_type "卡丢失"; tui_keys Enter
tui_see "and the cancel confirmed" "它将作废"
tui_keys Enter
tui_see "refused: the card shows the write" "读卡器中的卡显示第 $SHOWN 号写卡操作已生效"
is "the sale stays pending" "$(state_of "$SHOWN")" 0
is "nothing audited" "$(db "SELECT count(*) FROM audit WHERE op = 'pending-cancel'")" 0
tui_keys Enter
sim eject >/dev/null

# the opening's card is lost: cancelled, with the reason, audited
tui_keys Down
tui_see "the opening selected" "第 $BLANK_OP 号写卡带有一笔"
tui_see "recorded at the other station" "记录于工作站 西区2号，"
tui_keys Enter
tui_wait "取消第 $BLANK_OP 号写卡" && tui_type "白卡被顾客拿走了" && tui_keys Enter
tui_wait "它将作废" && tui_keys Escape
tui_see "Esc on the question changes nothing" "已取消，未写卡。"
is "still pending" "$(state_of "$BLANK_OP")" 0
tui_keys Enter
tui_wait "取消第 $BLANK_OP 号写卡" && tui_type "白卡被顾客拿走了" && tui_keys Enter
tui_wait "它将作废" && tui_keys Enter
tui_see "cancelled" "第 $BLANK_OP 号写卡已取消；原因已记入审计日志。"
is "the opening is void" "$(state_of "$BLANK_OP")" 2
is "its account is void and the meter number free" \
    "$(db "SELECT count(*) FROM customers WHERE meter_no = 20240002 AND status = 1")" 0
like "audited with who and why" \
    "$(db "SELECT operator || ' ' || after FROM audit WHERE op = 'pending-cancel' AND subject = 'op#$BLANK_OP'")" \
    '^system kind=open card=not in the reader reason=白卡被顾客拿走了$'
tui_like "the list keeps the sale only" " $SHOWN +日常售电"
ok "the cancelled write is gone from the list" _tui_gone "王五"
tui_stop

# a seller: no such item, and the core refuses anyway
tui_start
tui_login clerk clerk-pw-1
tui_wait "F9"
tui_keys F9 4
tui_see "a seller's 购电维护" "冲正"
ok "has no 待确认写卡" _tui_gone "待确认写卡"
tui_keys Escape Escape
tui_stop
printf 'clerk-pw-1\n' | "$KWHPOS" -c "$TUI_INI" --user clerk pending cancel "$SHOWN" --reason x >"$T/o" 2>&1
is "the core refuses a seller (exit 4)" "$?" 4

# --- English -----------------------------------------------------------------------------
tui_ini "language=en" "station.name=East counter"
# a write recorded before stations were kept (schema version 9) has none
db "UPDATE card_ops SET station = '' WHERE id = $SHOWN" >/dev/null
sim new-card c2 >/dev/null; sim insert c2 >/dev/null
sim new-meter 20240003 >/dev/null
kp open --name Zhao --meter 20240003 --tariff 1 --kwh 5 >/dev/null
sim eject >/dev/null; sim meter-insert 20240003 c2 >/dev/null; sim insert c2 >/dev/null
pulled sell --customer 10000003 --kwh 7
is "a sale whose card went out before its first byte" "$RC" 8
KILLED=$(newest_op)
is "the card is out of the reader" "$(sim status | sed -n 's/^card //p')" "none"
tui_start
tui_login system 1
tui_wait "F9"
tui_menu 4 6
tui_see "the screen in English" "Pending card writes"
tui_like "its columns" "No\. +Operation +Account +Name +Card +Time +Operator +Station"
tui_like "the lost card's sale, with its card's serial and station cut to its column" \
    " $KILLED +Daily sale +10000003 +Zhao +[0-9a-f]{12} .* system +East co…"
tui_like "a write recorded before stations were kept: none" " $SHOWN +Daily sale .* system +- *$"
tui_like "and the line under the list says so" \
    "Recorded on 20[0-9-]{8} [0-9:]{5} by system \(the station was not kept\)\."

sim insert c1 >/dev/null
tui_keys Enter
tui_wait "Cancel card write $SHOWN" && tui_type "lost" && tui_keys Enter
tui_wait "It becomes void" && tui_keys Enter
tui_see "refused in English" "the card in the reader shows card write #$SHOWN"
is "the sale stays pending" "$(state_of "$SHOWN")" 0
tui_keys Enter
sim eject >/dev/null
tui_keys Down
tui_see "the lost card's sale selected" "Card write $KILLED carries a sale of 3.70 yuan."
tui_like "recorded at its station, named whole" \
    "Recorded at station East counter on 20[0-9-]{8} [0-9:]{5} by system\."
tui_keys Enter
tui_wait "Cancel card write $KILLED" && tui_type "card broken" && tui_keys Enter
tui_wait "It becomes void" && tui_keys Enter
tui_see "cancelled" "Card write $KILLED cancelled; the reason is in the audit log."
is "the sale is void" "$(db "SELECT state FROM sales WHERE op_id = $KILLED")" 2
like "audited" "$(db "SELECT after FROM audit WHERE op = 'pending-cancel' AND subject = 'op#$KILLED'")" \
    'reason=card broken$'
tui_stop

# the card that shows the sale completes it when read
sim insert c1 >/dev/null
kp card read >/dev/null 2>&1
is "reading the card settles the sale as done" "$(state_of "$SHOWN")" 1
ok "kwhpos check passes" kp check
done_testing
