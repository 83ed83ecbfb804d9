#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# tests/torture/torture.sh — `make torture`: kwhpos killed (kill -9) at random moments
# during every kind of card write, then what a clerk does next, then an oracle that does
# not believe the program's own reports.
#
#   TORTURE_TRIALS=N   trials in all (default 1000), half at 1200 baud with the card's
#                      own timing (kwhsim serve --card-timing), half at 115200 baud
#   TORTURE_SEED=S     the random sequence (default 1): operations, kill moments,
#                      terminals; the same seed gives the same operations and kill delays
#   TORTURE_BAUDS="1200 115200"   the simulator's speeds, the trials shared between
#                      them; BAUD:N gives one speed N trials of its own
#   TORTURE_SALES=N    the concurrency part (tests/torture/sales.sh): N sales per
#                      process (default 1000; 0 skips it)
#   TORTURE_TUI=P      the share (percent, default 25) of the openings, daily sales,
#                      re-sales and reissues done through the TUI: kwhpos in a private
#                      tmux server (80×24, an interactive bash in the pane, as a clerk's
#                      terminal), the screen filled in up to its confirmation panel,
#                      Enter, and kill -9 of kwhpos at a random moment of the card write
#                      (from Enter, or every other trial from its intent); 0: none
#   TORTURE_MINUTES=M  a time limit: no trial starts after M minutes (the summary says
#                      how many were left); every 25 trials a progress line either way
#   TORTURE_KINDS="open sell ..."   only these operations (the names of the kinds line);
#                      TORTURE_CYCLE=1 takes them in turn instead of at random
#
# A trial: an operation picked at random (open, daily sale, re-sale, reissue 已消费 with
# a purchase and 未消费, refund card, meter change, parameter edit, the four tool cards,
# wipe), its preconditions made without a kill, then the operation started and killed
# after a random delay between 0 and 1.2 times how long it last took uninterrupted, in
# every other trial counted from the moment its intent is recorded (the write). The
# clerk then reads the card still in the reader, at the same terminal or at another
# one (a second INI on the same database), and, where the operation did not happen,
# does it again. The oracle:
#   - nothing is pending (sqlite3 on the ledger): the card read settled the write;
#   - the card shows exactly the record of the last write the ledger settled for its
#     serial (kwhsim's card file), and keeps its 3 PSC tries;
#   - the card taken to its meter (kwhsim meter-insert): the meter's purchase count is
#     the account's, and the energy it was sold (kwhsim show) is the ledger's settled
#     purchases for that meter;
#   - `kwhpos check` passes and PRAGMA integrity_check says ok.
# A first read that finds no reader answering after a kill is counted (the goal is 0).
# After a TUI trial the clerk reads the card in a new TUI started in the same terminal
# (kwhpos reads the card in the reader at login when writes are pending) or at the
# command line; whether the terminal was left usable after the kill (a command typed
# into it is echoed and runs) is counted.
# Prints TAP (for make check's slice, tests/integ/torture_short.sh) and the figures.
. "$(dirname "$0")/../integ/lib.sh"
. "$(dirname "$0")/../integ/loop_lib.sh"

TRIALS=${TORTURE_TRIALS:-1000}
SEED=${TORTURE_SEED:-1}
RANDOM=$SEED
INI2=$T/k2.ini
START=$(date +%s)

LIMIT=${TORTURE_MINUTES:-0}
[[ $LIMIT =~ ^[0-9]+$ ]] || { echo "TORTURE_MINUTES must be a whole number of minutes, not '$LIMIT'" >&2; exit 2; }
DEADLINE=0
[ "$LIMIT" -gt 0 ] && DEADLINE=$((START + LIMIT * 60))
n_left=0
n_trials=0 n_killed=0 n_completed=0 n_none=0 n_done=0 n_void=0 n_redo=0 n_reader=0 n_fail=0
n_tui=0 n_tui_usable=0 n_tui_read=0
TUI_PCT=${TORTURE_TUI:-25}
declare -A by_kind=() cal=()

fail() { # what
    n_fail=$((n_fail + 1))
    echo "# FAIL trial $n_trials (seed $SEED, $KIND${TUI:+ in the TUI} at $BAUD baud, kill after ${DELAY}ms): $*"
}

rnd() { echo $((RANDOM % $1)); }
serial_of() { card_bytes "$1" 10 6; }
now_ms() { date +%s%3N; }

# kp2: the other terminal
kp2() { printf '%s\n' "$PW" | "$KWHPOS" -c "$INI2" --user system "$@"; }
# calm ARGS...: an operation the clerk does (no kill), which must succeed
calm() {
    run kp "$@"
    [ "$RC" = 0 ] || fail "clerk's $* failed (exit $RC): $(printf '%s' "$OUT" | tail -n 2)"
}

# intent_or_exit PID: a card write was recorded since the trial began, or PID is gone
intent_or_exit() {
    local st
    [ "$(q "SELECT coalesce(max(id), 0) FROM card_ops")" != "$OPS_BEFORE" ] && return 0
    st=$(ps -o stat= -p "$1" 2>/dev/null) || return 0
    [ "${st:0:1}" = Z ] # exited, not yet waited for
}

# killed ARGS...: runs kwhpos ARGS and kills it after a random delay: every other trial
# from its start, the others from the moment its intent is recorded (the card write)
killed() {
    local pid t0 max after
    max=${cal[$KIND.$BAUD]:-$([ "$BAUD" = 1200 ] && echo 4000 || echo 150)}
    DELAY=$(rnd $((max * 12 / 10 + 1)))
    after=$(rnd 2)
    OPS_BEFORE=$(q "SELECT coalesce(max(id), 0) FROM card_ops")
    t0=$(now_ms)
    printf '%s\n' "$PW" | "$KWHPOS" -c "$INI" --user system "$@" >"$T/killed.out" 2>&1 &
    pid=$!
    if [ "$after" = 1 ]; then
        wait_for 60 intent_or_exit "$pid"
        DELAY=$(rnd $((max > $(now_ms) - t0 ? max - ($(now_ms) - t0) + 1 : 50)))
        DELAY="intent+$DELAY"
    fi
    sleep "$(printf '%d.%03d' $((${DELAY#intent+} / 1000)) $((${DELAY#intent+} % 1000)))"
    if kill -9 "$pid" 2>/dev/null; then
        wait "$pid" 2>/dev/null
        n_killed=$((n_killed + 1))
    else
        wait "$pid" 2>/dev/null
        n_completed=$((n_completed + 1))
        cal[$KIND.$BAUD]=$(($(now_ms) - t0))
    fi
}

# clerk_reads: the card is read again, at this terminal or at the other one; a reader
# that does not answer is counted and the read repeated
clerk_reads() {
    local tries=0
    while :; do
        if [ "$(rnd 2)" = 0 ]; then run kp card read; else OUT=$(kp2 card read 2>&1); RC=$?; fi
        case $OUT in *"no card reader answers"*) n_reader=$((n_reader + 1)) ;; *) break ;; esac
        tries=$((tries + 1))
        [ $tries -lt 5 ] || { fail "no reader answers after 5 reads"; return; }
    done
    case $RC in 0 | 6) ;; *) fail "card read exits $RC: $(printf '%s' "$OUT" | tail -n 1)" ;; esac
}

# --- the TUI in tmux ------------------------------------------------------------------
# A private tmux server (its own socket), one 80×24 window running an interactive bash,
# as a clerk's terminal: kwhpos is started from it, and it is what is left after a kill.
export KWHPOS_LOCALEDIR=$KWH_BUILD/locale
TSOCK=kwhtort$$
on_exit "tmux -L $TSOCK -f /dev/null kill-server 2>/dev/null"
tt() { tmux -L "$TSOCK" -f /dev/null "$@"; }
tscreen() { tt capture-pane -t t -p 2>/dev/null; }
_thas() { tscreen | grep -qF -- "$1"; }
# twait TEXT [SECONDS]: until TEXT is on the screen; else a failure with the screen
twait() {
    wait_for "${2:-15}" _thas "$1" && return 0
    fail "TUI: waited for \"$1\" in: $(tscreen | sed '/^ *$/d' | tr '\n' '|')"
    return 1
}
tkeys() { tt send-keys -t t "$@" 2>/dev/null; }
ttype() { tt send-keys -t t -l "$1" 2>/dev/null; }
# the kwhpos the pane's shell runs
tpid() { pgrep -P "$(tt display-message -p -t t '#{pane_pid}' 2>/dev/null)" -x kwhpos; }

# tterm: a new terminal (the old server's gone with what ran in it)
tterm() {
    tt kill-server 2>/dev/null
    tt new-session -d -x 80 -y 24 -s t "env -i HOME=$T PATH=$PATH TERM=xterm-256color \
        LC_ALL=C.UTF-8 KWHPOS_LOCALEDIR=$KWHPOS_LOCALEDIR ASAN_OPTIONS=${ASAN_OPTIONS:-} \
        LSAN_OPTIONS=suppressions=$KWH_TOP/tests/integ/tui_lsan.supp PS1='$ ' \
        bash --norc --noprofile -i"
    wait_for 10 _thas '$'
}

# tstart: kwhpos's TUI from the terminal's shell, logged in, at the home screen
tstart() {
    ttype "$KWHPOS -c $TINI 2>>$T/tui.err; echo \"[exit \$?]\""
    tkeys Enter
    twait "kwhpos" || return 1
    ttype system; tkeys Tab; ttype "$PW"; tkeys Enter
    twait "按 F9 或 Enter 打开菜单"
}

# tmenu M I: item I of menu M
tmenu() { tkeys F9; tkeys "$1"; tkeys "$2"; }

# tconfirm: the screen of the trial's operation filled in, at its confirmation panel
tconfirm() {
    case $KIND in
    open)
        tmenu 2 1
        twait "用户开户购电" || return 1
        ttype "开户"; tkeys Tab Tab Tab Tab Tab; ttype "5"; tkeys Tab Tab Tab; ttype "$METERN"
        tkeys Enter
        twait "写读卡器中的白卡？"
        ;;
    sell)
        tmenu 3 1
        twait "日常售电" || return 1
        tkeys F2
        twait "用户编号 $ACC" || return 1
        tkeys F4; ttype "5"; tkeys Enter
        twait "收款并写卡？"
        ;;
    resell)
        tmenu 3 2
        twait "重新售电" || return 1
        tkeys F2
        twait "将取消的售电" || return 1
        tkeys F4; ttype "4"; tkeys Enter
        twait "并写卡？" # 退还差额并写卡？ or 收款并写卡？
        ;;
    reissue-*)
        tmenu 3 3
        twait "尚无用户：请查询用户（F3）" || return 1
        tkeys F3
        twait "查询用户" || return 1
        ttype "$ACC"; tkeys Enter
        twait "已找到用户" || return 1
        tkeys Enter
        twait "确认补卡"
        ;;
    esac
}

# tui_killed: the trial's operation through the TUI, kwhpos killed (kill -9) after a
# random delay from Enter on the confirmation panel, every other trial from the moment
# its intent is recorded; then whether the terminal is still usable
tui_killed() {
    local pid max after st how
    n_tui=$((n_tui + 1))
    OPS_BEFORE=$(q "SELECT coalesce(max(id), 0) FROM card_ops")
    DELAY=-
    TUI_UP=
    tterm
    if ! tstart || ! tconfirm || ! pid=$(tpid); then
        tt kill-server 2>/dev/null
        return
    fi
    TUI_UP=1
    max=${cal[tui.$KIND.$BAUD]:-$([ "$BAUD" = 1200 ] && echo 3000 || echo 40)}
    DELAY=$(rnd $((max * 12 / 10 + 1)))
    after=$(rnd 2)
    tkeys Enter
    if [ "$after" = 1 ]; then
        wait_for 60 intent_or_exit "$pid"
        DELAY="intent+$DELAY"
    fi
    sleep "$(printf '%d.%03d' $((${DELAY#intent+} / 1000)) $((${DELAY#intent+} % 1000)))"
    if kill -9 "$pid" 2>/dev/null; then
        wait_for 10 _thas "[exit 137]" || fail "TUI: the shell did not see kwhpos killed"
        # what the dead process left: done (it finished first), pending (killed in the
        # write) or no intent yet. How long the write takes after Enter is not seen from
        # outside: the longest delay shrinks after a kill that came too late and grows
        # after one before the intent
        st=$(q "SELECT state FROM card_ops WHERE id > $OPS_BEFORE ORDER BY id DESC LIMIT 1")
        if [ "$st" = 1 ]; then
            n_completed=$((n_completed + 1))
            cal[tui.$KIND.$BAUD]=$((max * 3 / 4 > 10 ? max * 3 / 4 : 10))
        else
            n_killed=$((n_killed + 1))
            [ -n "$st" ] || cal[tui.$KIND.$BAUD]=$((max * 5 / 4))
        fi
    else
        fail "TUI: kwhpos was gone before the kill"
    fi
    # the clerk's terminal: what is typed shows and runs, in the line discipline's
    # ordinary mode (echo, canonical input), as programs started from it expect
    rm -f "$T/stty.now"
    ttype "stty -a >$T/stty.now; echo typed-$n_trials"; tkeys Enter
    how=$(case $st in 1) echo "after it finished" ;; "") echo "before its intent" ;; *) echo "in the write" ;; esac)
    if wait_for 5 test -s "$T/stty.now" && _thas "; echo typed-$n_trials" &&
        stty_has icanon && stty_has echo; then
        n_tui_usable=$((n_tui_usable + 1))
        echo "# trial $n_trials: $KIND in the TUI, kwhpos killed $how (${DELAY}ms): the terminal usable"
    else
        echo "# trial $n_trials: $KIND in the TUI, kwhpos killed $how (${DELAY}ms): the terminal NOT usable: $(tr ' ;' '\n\n' <"$T/stty.now" 2>/dev/null | grep -xE -- '-?(icanon|echo)' | tr '\n' ' ')| $(tscreen | sed '/^ *$/d' | tail -n 3 | tr '\n' '|')"
    fi
}
# stty_has FLAG: the terminal's mode has FLAG set (not -FLAG)
stty_has() { tr ' ;' '\n\n' <"$T/stty.now" | grep -qx -- "$1"; }

# tui_reads: the clerk starts kwhpos again in the same terminal: at login it reads the
# card in the reader, which settles the write; then quits
tui_reads() {
    local pending
    n_tui_read=$((n_tui_read + 1))
    ttype clear; tkeys Enter
    tstart || { tt kill-server 2>/dev/null; clerk_reads; return; }
    wait_for 20 no_pending_now
    tkeys F10
    twait "Esc" 5 && tkeys Enter
    wait_for 15 _thas "[exit 0]" || fail "TUI: kwhpos did not quit cleanly after the read"
    tt kill-server 2>/dev/null
    pending=$(q "SELECT count(*) FROM card_ops WHERE state = 0")
    [ "$pending" = 0 ] || fail "TUI: $pending card writes still pending after kwhpos read the card at login"
}
no_pending_now() { [ "$(q "SELECT count(*) FROM card_ops WHERE state = 0")" = 0 ]; }

# op_killed ARGS...: the operation killed, at the command line or in the TUI
op_killed() { if [ "$TUI" = 1 ]; then tui_killed; else killed "$@"; fi; }
# clerk_next: the clerk's read after it
clerk_next() {
    if [ "$TUI" = 1 ] && [ -n "$TUI_UP" ] && [ "$(rnd 2)" = 0 ]; then
        tui_reads
    else
        tt kill-server 2>/dev/null
        clerk_reads
    fi
}

# the oracle's parts
no_pending() {
    local p; p=$(q "SELECT count(*) FROM card_ops WHERE state = 0")
    [ "$p" = 0 ] || fail "$p card writes pending after the card was read"
}
# the card shows the record of the last write settled for its serial (none: blank)
card_agrees() { # CARD
    local want got s
    s=$(serial_of "$1")
    want=$(q "SELECT lower(hex(slot)) FROM card_ops WHERE state = 1 AND lower(hex(card_serial)) = '$s' ORDER BY id DESC LIMIT 1")
    got=$(card_active "$1")
    case $want in "" | *[!f]*) ;; *) want=none ;; esac
    [ -n "$want" ] || want=none
    [ "$got" = "$want" ] || fail "card $1 shows ${got:0:16}… but the ledger's last write is ${want:0:16}…"
    [ "$(tries "$1")" = 3 ] || fail "card $1 has $(tries "$1") PSC tries left"
}
books_ok() {
    local rc
    "$KWHPOS" -c "$INI" check >/dev/null 2>&1
    rc=$?
    [ $rc = 0 ] || fail "kwhpos check exits $rc"
    [ "$(sqlite3 "$DB" 'PRAGMA integrity_check')" = ok ] || fail "integrity_check"
}
# at_meter: the account's card visits its meter; count and energy sold agree
at_meter() {
    local cnt want bought sold
    sim eject >/dev/null
    mi "$AMETER" "$ACARD" >/dev/null
    cnt=$(field "$AMETER" count)
    want=$(q "SELECT purchase_count FROM customers WHERE customer_no = $ACC")
    [ "$cnt" = "$want" ] || fail "meter $AMETER counts $cnt purchases, the ledger $want"
    if [ -z "${changed_meter[$AMETER]:-}" ]; then
        bought=$(field "$AMETER" bought)
        sold=$(q "SELECT coalesce(sum(energy_ckwh + adjust_ckwh + free_ckwh), 0) / 100 FROM sales
                  WHERE state = 1 AND meter_no = $AMETER AND kind IN (1, 2, 3, 4)")
        [ "$bought" = "$sold" ] || fail "meter $AMETER was sold $bought kWh, the ledger says $sold"
    fi
    sim insert "$ACARD" >/dev/null
}
declare -A changed_meter=()

# how the killed operation ended, once its card was read: no intent recorded, done, void
settled() {
    local s; s=$(q "SELECT state FROM card_ops WHERE id > $OPS_BEFORE ORDER BY id DESC LIMIT 1")
    case $s in
    "") n_none=$((n_none + 1)) ;;
    1) n_done=$((n_done + 1)) ;;
    *) n_void=$((n_void + 1)) ;;
    esac
}

NEXT=1
new_card() { CARDN=tc$NEXT; NEXT=$((NEXT + 1)); sim new-card "$CARDN" --force >/dev/null; }
new_meter() { METERN=$((40000000 + NEXT)); NEXT=$((NEXT + 1)); sim new-meter "$METERN" --force >/dev/null; }

# a main account with its card in the reader, its last purchase in the meter
main_account() {
    new_card; new_meter
    sim insert "$CARDN" >/dev/null
    calm open --name 顾客 --meter "$METERN" --tariff 居民生活用电 --kwh 5
    ACC=$(q "SELECT customer_no FROM customers WHERE meter_no = $METERN AND status = 1")
    ACARD=$CARDN AMETER=$METERN
    at_meter
}

# --- the operations ------------------------------------------------------------------

t_open() {
    new_card; new_meter
    sim insert "$CARDN" >/dev/null
    op_killed open --name 开户 --meter "$METERN" --tariff 居民生活用电 --kwh 5
    clerk_next; no_pending; settled
    if [ -z "$(q "SELECT customer_no FROM customers WHERE meter_no = $METERN AND status = 1")" ]; then
        n_redo=$((n_redo + 1))
        calm open --name 开户 --meter "$METERN" --tariff 居民生活用电 --kwh 5
    fi
    card_agrees "$CARDN"
    ACC=$(q "SELECT customer_no FROM customers WHERE meter_no = $METERN AND status = 1")
    ACARD=$CARDN AMETER=$METERN
    at_meter
}

# KWH_SALE_DONE CMD: after a sale-like op was killed and the card read, the clerk sells
# again when the ledger has no new sale (the customer paid for one)
redo_if() { # COUNT_BEFORE ARGS...
    local before=$1; shift
    if [ "$(q "SELECT count(*) FROM sales WHERE state = 1")" = "$before" ]; then
        n_redo=$((n_redo + 1))
        calm "$@"
    fi
}

t_sell() {
    local before; before=$(q "SELECT count(*) FROM sales WHERE state = 1")
    op_killed sell --customer "$ACC" --kwh 5
    clerk_next; no_pending; settled
    redo_if "$before" sell --customer "$ACC" --kwh 5
    card_agrees "$ACARD"; at_meter
}

t_resell() {
    local before
    calm sell --customer "$ACC" --kwh 6
    before=$(q "SELECT count(*) FROM sales WHERE state = 3")
    op_killed resell --customer "$ACC" --kwh 4
    clerk_next; no_pending; settled
    if [ "$(q "SELECT count(*) FROM sales WHERE state = 3")" = "$before" ]; then
        n_redo=$((n_redo + 1))
        calm resell --customer "$ACC" --kwh 4
    fi
    card_agrees "$ACARD"; at_meter
}

# reissue consumed|unconsumed: the card is lost, a new one in the reader
t_reissue() {
    local how=$1 args=()
    if [ "$how" = unconsumed ]; then
        calm sell --customer "$ACC" --kwh 5 # not taken to the meter
        args=(--unconsumed)
    else
        args=(--consumed --kwh 3)
    fi
    sim eject >/dev/null
    new_card
    sim insert "$CARDN" >/dev/null
    op_killed reissue --customer "$ACC" "${args[@]}"
    clerk_next; no_pending; settled
    if [ "$(q "SELECT lower(hex(card_serial)) FROM customers WHERE customer_no = $ACC")" != "$(serial_of "$CARDN")" ]; then
        n_redo=$((n_redo + 1))
        calm reissue --customer "$ACC" "${args[@]}"
    fi
    card_agrees "$CARDN"
    ACARD=$CARDN
    at_meter
}

t_edit() {
    killed edit --customer "$ACC" --alarm $((10 + $(rnd 20)))
    clerk_reads; no_pending; settled
    card_agrees "$ACARD"; at_meter
}

t_meter_change() {
    local rem
    rem=$(field "$AMETER" remaining)
    new_meter
    killed meter-change --customer "$ACC" --meter "$METERN" --old-remaining "$rem" --kwh 2
    clerk_reads; no_pending; settled
    if [ "$(q "SELECT meter_no FROM customers WHERE customer_no = $ACC")" != "$METERN" ]; then
        n_redo=$((n_redo + 1))
        calm meter-change --customer "$ACC" --meter "$METERN" --old-remaining "$rem" --kwh 2
    fi
    card_agrees "$ACARD"
    AMETER=$METERN
    changed_meter[$AMETER]=1
    at_meter
}

t_refund_card() {
    killed refund-card --customer "$ACC"
    clerk_reads; no_pending; settled
    if [ "$(q "SELECT count(*) FROM card_ops WHERE kind = 5 AND state = 1 AND customer_id = (SELECT id FROM customers WHERE customer_no = $ACC)")" = 0 ]; then
        n_redo=$((n_redo + 1))
        calm refund-card --customer "$ACC"
    fi
    card_agrees "$ACARD"
    # the meter takes the refund card, the counter pays out; a new main account
    sim eject >/dev/null
    mi "$AMETER" "$ACARD" >/dev/null
    sim insert "$ACARD" >/dev/null
    calm refund
    sim eject >/dev/null
    main_account
}

t_tool() {
    local kind=$1 args=()
    case $kind in management) args=(--alarm 50 --overdraft 5 --hoard 999) ;; esac
    sim eject >/dev/null
    new_card
    sim insert "$CARDN" >/dev/null
    killed tool "$kind" "${args[@]}"
    clerk_reads; no_pending; settled
    card_agrees "$CARDN"
    sim eject >/dev/null
    sim insert "$ACARD" >/dev/null
}

t_wipe() {
    sim eject >/dev/null
    new_card
    sim insert "$CARDN" >/dev/null
    calm tool test
    killed card wipe
    clerk_reads; no_pending; settled
    card_agrees "$CARDN"
    sim eject >/dev/null
    sim insert "$ACARD" >/dev/null
}

KINDS=(open sell resell reissue-consumed reissue-unconsumed edit meter-change refund-card
    tool-management tool-clear tool-relay tool-test wipe)
[ -n "${TORTURE_KINDS:-}" ] && read -ra KINDS <<<"$TORTURE_KINDS"

trial() {
    if [ -n "${TORTURE_CYCLE:-}" ]; then
        KIND=${KINDS[$((n_trials % ${#KINDS[@]}))]}
    else
        KIND=${KINDS[$(rnd ${#KINDS[@]})]}
    fi
    n_trials=$((n_trials + 1))
    by_kind[$KIND]=$((${by_kind[$KIND]:-0} + 1))
    DELAY=-
    TUI=
    case $KIND in
    open | sell | resell | reissue-*)
        if [ "$TUI_PCT" -gt 0 ] && [ "$(rnd 100)" -lt "$TUI_PCT" ]; then TUI=1; fi
        ;;
    esac
    case $KIND in
    open) t_open ;;
    sell) t_sell ;;
    resell) t_resell ;;
    reissue-consumed) t_reissue consumed ;;
    reissue-unconsumed) t_reissue unconsumed ;;
    edit) t_edit ;;
    meter-change) t_meter_change ;;
    refund-card) t_refund_card ;;
    tool-*) t_tool "${KIND#tool-}" ;;
    wipe) t_wipe ;;
    esac
    books_ok
}

# world BAUD TRIALS: a site on a simulator at that baud
world() {
    BAUD=$1
    local n=$2 timing=()
    [ "$BAUD" = 1200 ] && timing=(--card-timing)
    D=$T/sim$BAUD DB=$T/site$BAUD.db INI=$T/k$BAUD.ini
    mkdir -p "$D"
    start_sim --baud "$BAUD" "${timing[@]}"
    new_site "$INI" "$DB" 123456 || { fail "no site"; return; }
    printf 'baud = %s\n' "$BAUD" >>"$INI"
    cp "$INI" "$INI2"
    TINI=$T/kt$BAUD.ini # the TUI's: the same site and reader, its screens in Chinese
    { cat "$INI"; printf '[ui]\nlanguage = zh_CN\n'; } >"$TINI"
    main_account
    for ((i = 0; i < n; i++)); do
        if [ "$DEADLINE" -gt 0 ] && [ "$(date +%s)" -ge "$DEADLINE" ]; then
            n_left=$((n_left + n - i))
            break
        fi
        trial
        [ $((n_trials % 25)) -eq 0 ] &&
            echo "# progress: $n_trials trials in $(($(date +%s) - START))s ($BAUD baud): $n_killed killed mid-way, reader not answering $n_reader, oracle failures $n_fail"
    done
    sim stop >/dev/null 2>&1
    wait "$SIM_PID" 2>/dev/null
}

read -ra bauds <<<"${TORTURE_BAUDS:-1200 115200}"
for ((b = 0; b < ${#bauds[@]}; b++)); do
    case ${bauds[$b]} in
    *:*) world "${bauds[$b]%:*}" "${bauds[$b]#*:}" ;;
    *) world "${bauds[$b]}" $(((TRIALS + ${#bauds[@]} - 1 - b) / ${#bauds[@]})) ;;
    esac
done

SECS=$(($(date +%s) - START))
kinds=$(for k in "${KINDS[@]}"; do printf '%s=%s ' "$k" "${by_kind[$k]:-0}"; done)
echo "# torture: seed $SEED, $n_trials trials in ${SECS}s: $n_killed killed mid-way, $n_completed finished before the kill"
[ "$n_left" -gt 0 ] && echo "# torture: the time limit (TORTURE_MINUTES=$LIMIT) left $n_left trials not started"
echo "# torture: the operation, after the card was read: no intent recorded $n_none, done $n_done, void $n_void; done again by the clerk $n_redo"
echo "# torture: kinds: $kinds"
echo "# torture: in the TUI: $n_tui trials, the card read again in a new TUI in $n_tui_read; terminal usable after the kill: $n_tui_usable of $n_tui"
echo "# torture: first reads with no reader answering: $n_reader; oracle failures: $n_fail"
is "$n_trials trials: the oracle found nothing wrong" "$n_fail" 0
is "every read after a kill found the reader answering" "$n_reader" 0
is "the terminal was usable after every kill of the TUI" "$n_tui_usable" "$n_tui"
done_testing
