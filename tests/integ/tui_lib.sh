# SPDX-License-Identifier: Apache-2.0
# tests/integ/tui_lib.sh — sourced by the tui_*.sh suites after lib.sh.
#
# A private tmux server per suite (tmux -L NAME -f /dev/null), one 80×24 window,
# LC_ALL=C.UTF-8, the real kwhpos program with the INI $T/kwhpos.ini, its card reader
# the simulator (kwhsim serve in $T/sim) with a blank card in it. Every check polls
# capture-pane until what it waits for is there; nothing sleeps blindly.
#
#   tui_site                       the simulator started with a blank card (c0) in its
#                                  reader, and a new site in $T/site.db (kwhpos init:
#                                  area 123456, unit 示范物业, the two demo tariffs)
#   tui_ini [key=value...]         writes $T/kwhpos.ini: key=value in [ui] (language, demo,
#                                  ...), section.key=value in its section (print.form=...)
#   tui_start [TERM]               starts the UI (default TERM=xterm-256color)
#   tui_terminal NAME              a second terminal running the UI on the same site;
#                                  TUI_T=NAME drives it, TUI_T=ui the first one
#   tui_keys KEY...                tmux send-keys (names like F2, Enter, Tab, Escape)
#   tui_type TEXT                  sends TEXT literally (CJK included)
#   tui_wait TEXT [SECONDS]        polls until TEXT is on the screen
#   tui_see NAME TEXT [SECONDS]    one test result: TEXT appears on the screen
#   tui_like NAME REGEX [SECONDS]  one test result: the screen comes to match REGEX
#   tui_screen                     the screen now
#   tui_login NAME PASSWORD        logs in and waits for the home screen
#   tui_menu M I                   F9, menu M, item I; waits for the title
#   tui_stop                       quits (F10, Enter); one result: the program exited 0
#   db SQL                         sqlite3 on the site database
#   card_slot CARD                 the first 16 bytes of the card's active slot (kwhsim
#                                  card-show; docs/card-format.md), or "none"
#   card_type CARD                 the type of the card's active record (blank, user, ...)
#   sim ARGS                       kwhsim on the suite's simulator
#   tui_hint                       the hint line; tui_status: the status line
TUI_RUN=0
TUI_T=ui
TUI_SOCK=kwhtui$$-0
TUI_DB=$T/site.db
TUI_INI=$T/kwhpos.ini
export KWHPOS_LOCALEDIR=$KWH_BUILD/locale
export KWHPOS_LOG_FILE=${KWHPOS_LOG_FILE:-$T/kwhpos.log} # what kwhpos logs, shown with a failure

_tmux() { tmux -L "$TUI_SOCK" -f /dev/null "$@"; }
on_exit '_tmux kill-server 2>/dev/null' 

tui_site() {
    rm -f "$TUI_DB"
    sim_start || return 1
    sim new-card c0 >/dev/null && sim insert c0 >/dev/null &&
        "$KWHPOS" --db "$TUI_DB" init --area 123456 --unit 示范物业 --phone 0571-88880000 >/dev/null
}

tui_ini() {
    {
        echo "[database]"
        echo "path = $TUI_DB"
        if [ -n "${TUI_SIM:-}" ]; then
            echo "[reader]"
            echo "port = $TUI_SIM/reader"
            # the simulator shares two cores with the suite (and a sanitizer): a
            # late answer is the machine, not the reader under test
            echo "timeout_ms = 4000"
        fi
        echo "[ui]"
        for kv in "$@"; do
            case ${kv%%=*} in
            *.*) ;;
            *) echo "${kv%%=*} = ${kv#*=}" ;;
            esac
        done
        local sect seen=" " k
        for kv in "$@"; do
            k=${kv%%=*}
            case $k in *.*) ;; *) continue ;; esac
            sect=${k%%.*}
            case $seen in *" $sect "*) continue ;; esac
            seen="$seen$sect "
            echo "[$sect]"
            for kv2 in "$@"; do
                k=${kv2%%=*}
                [ "${k%%.*}" = "$sect" ] && [ "$k" != "${k#*.}" ] && echo "${k#*.} = ${kv2#*=}"
            done
        done
    } >"$TUI_INI"
}

tui_start() {
    local term=${1:-xterm-256color}
    _tmux kill-server 2>/dev/null
    TUI_RUN=$((TUI_RUN + 1))
    TUI_SOCK=kwhtui$$-$TUI_RUN
    TUI_T=ui
    _tui_session ui "$term"
}

# tui_terminal NAME: a second terminal NAME on the same server, the same program, INI,
# database and reader (a second clerk); TUI_T=NAME makes it the one the functions drive.
tui_terminal() { _tui_session "$1" xterm-256color; }

_tui_session() {
    local term=$2
    [ -f "$TUI_INI" ] || tui_ini
    _tmux new-session -d -x 80 -y 24 -s "$1" \
        "env TERM=$term LC_ALL=C.UTF-8 KWHPOS_LOCALEDIR=$KWHPOS_LOCALEDIR \
         KWHPOS_IDLE_LOCK_SECONDS=${TUI_IDLE:-} ASAN_OPTIONS=${ASAN_OPTIONS:-} \
         KWHSIM=$KWHSIM LSAN_OPTIONS=suppressions=$KWH_TOP/tests/integ/tui_lsan.supp \
         $KWHPOS -c $TUI_INI 2>>$T/ui.err; \
         echo \"[exit \$?]\"; sleep 600"
    _tmux set-option -t "$1" remain-on-exit on >/dev/null
}

tui_keys() { _tmux send-keys -t "$TUI_T" "$@"; }
tui_type() { _tmux send-keys -t "$TUI_T" -l "$1"; }
tui_screen() { _tmux capture-pane -t "$TUI_T" -p; }
_tui_has() { tui_screen | grep -qF -- "$1"; }
_tui_gone() { ! _tui_has "$1"; }
tui_wait() {
    if wait_for "${2:-10}" _tui_has "$1"; then return 0; fi
    echo "# waited for: $1" >&2
    tui_screen | sed 's/^/# | /' >&2
    return 1
}

# tui_see NAME TEXT: one test result for TEXT appearing on the screen.
tui_see() {
    if wait_for "${3:-10}" _tui_has "$2"; then _t_result 0 "$1"
    else _t_result 1 "$1" "$(printf 'waited for: %s\n' "$2"; tui_screen; _tui_log)"; fi
}

# the last lines kwhpos logged (KWHPOS_LOG_FILE), shown with a failure
_tui_log() {
    [ -s "$KWHPOS_LOG_FILE" ] || return 0
    echo "kwhpos log, last lines:"
    tail -n 12 "$KWHPOS_LOG_FILE"
}

# tui_like NAME REGEX: one test result for the screen coming to match REGEX (extended).
_tui_matches() { tui_screen | grep -qE -- "$1"; }
tui_like() {
    if wait_for "${3:-10}" _tui_matches "$2"; then _t_result 0 "$1"
    else _t_result 1 "$1" "$(printf 'waited for /%s/ in:\n' "$2"; tui_screen; _tui_log)"; fi
}

tui_login() {
    tui_wait "${3:-kwhpos}" || return 1
    tui_type "$1"; tui_keys Tab; tui_type "$2"; tui_keys Enter
}

# tui_menu M I: opens item I of menu M, and waits (up to 5 s) for the drop-down to close,
# so that a screen's title, which is also its menu item's label, is not seen on the menu
tui_menu() {
    tui_keys F9; tui_keys "$1"; tui_keys "$2"
    wait_for 5 _tui_menu_closed || true
}
_tui_menu_closed() { ! tui_screen | sed -n 3p | grep -qE '│ 1 '; }

tui_stop() {
    tui_keys F10
    tui_wait "Esc" 5 && tui_keys Enter
    if wait_for 10 _tui_has "[exit 0]"; then _t_result 0 "the UI exits cleanly"
    else _t_result 1 "the UI exits cleanly" "$(tui_screen | grep -F '[exit'; cat "$T/ui.err")"; fi
}

db() { sqlite3 "$TUI_DB" "$@"; }
tui_hint() { tui_screen | sed -n 23p; }
tui_status() { tui_screen | sed -n 24p; }

# The commit byte at 0x09 names the active slot: 00 at 0x10, 01 at 0x50.
card_slot() {
    local show commit
    show=$(sim card-show "$1" 2>&1)
    commit=$(printf '%s\n' "$show" | sed -n 's/^00: \([0-9a-f][0-9a-f] \)\{9\}\([0-9a-f][0-9a-f]\).*/\2/p')
    case $commit in
    00) printf '%s\n' "$show" | sed -n 's/^10: //p' ;;
    01) printf '%s\n' "$show" | sed -n 's/^50: //p' ;;
    *) echo none ;;
    esac
}

card_type() {
    local slot
    slot=$(card_slot "$1")
    case $slot in
    none) echo blank ;;
    01*) echo user ;; 02*) echo refund ;; 03*) echo management ;;
    04*) echo clear ;; 05*) echo relay ;; 06*) echo test ;;
    *) echo "? $slot" ;;
    esac
}

# sim_start: kwhsim serve on $T/sim (TUI_SIM): the UI's reader (once per suite).
TUI_SIM=
sim() { "$KWHSIM" --dir "$TUI_SIM" "$@"; }
sim_start() {
    [ -n "$TUI_SIM" ] && return 0
    TUI_SIM=$T/sim
    mkdir -p "$TUI_SIM"
    "$KWHSIM" --dir "$TUI_SIM" serve >"$T/sim.log" 2>&1 &
    _tui_sim_pid=$!
    on_exit "kill $_tui_sim_pid 2>/dev/null"
    wait_for 10 test -e "$TUI_SIM/control.sock"
}
