# SPDX-License-Identifier: Apache-2.0
# tests/integ/lib.sh — sourced by integration suites.
#
# Gives TAP output the runner counts, a private temp dir removed on exit, and
# polling helpers (never a bare sleep). The runner sets KWH_BUILD (the build dir
# under test) and KWH_TOP (the source tree).
#
#   . "$(dirname "$0")/lib.sh"
#   ok "name" test-command...        # one result
#   is "name" "$got" "$want"         # equality, shows both on failure
#   like "name" "$text" 'regex'      # grep -E match
#   wait_for SECONDS command...      # poll every 50 ms until command succeeds
#   on_exit "command"                # cleanup, run in reverse order
#   done_testing                     # prints the plan; exits 1 if anything failed

set -u
: "${KWH_TOP:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
: "${KWH_BUILD:=$KWH_TOP/build}"
KWHPOS=$KWH_BUILD/kwhpos
KWHSIM=$KWH_BUILD/kwhsim
TOOLS=$KWH_BUILD/tests/tools
export LC_ALL=C.UTF-8
# nothing is compiled in: the test tools in $KWH_BUILD/tests/tools find the printing
# module here (kwhpos itself finds it beside it; install.sh checks the installed lookup)
export KWHPOS_PRINT_MODULE=${KWHPOS_PRINT_MODULE:-$KWH_BUILD/kwhpos-print.so}
# sanitizer builds: fail the run on the first finding, and leaks count
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}

_t_n=0
_t_fail=0
_t_exit=()
T=$(mktemp -d "${TMPDIR:-/tmp}/kwhtest.XXXXXX")

on_exit() { _t_exit+=("$1"); }
_t_cleanup() {
    local i
    for ((i = ${#_t_exit[@]} - 1; i >= 0; i--)); do eval "${_t_exit[$i]}" || true; done
    rm -rf "$T"
}
trap _t_cleanup EXIT
trap 'exit 130' INT TERM

_t_result() { # status name [diagnostics]
    _t_n=$((_t_n + 1))
    if [ "$1" = 0 ]; then
        echo "ok $_t_n - $2"
    else
        _t_fail=$((_t_fail + 1))
        echo "not ok $_t_n - $2"
        [ -n "${3:-}" ] && printf '%s\n' "$3" | sed 's/^/# /'
    fi
    return 0
}

ok() {
    local name=$1 out rc; shift
    out=$("$@" 2>&1); rc=$?
    _t_result $rc "$name" "$(printf 'command: %s\n%s' "$*" "$out" | tail -n 20)"
}

is() {
    if [ "$2" = "$3" ]; then _t_result 0 "$1"
    else _t_result 1 "$1" "$(printf 'got:  %s\nwant: %s' "$2" "$3")"; fi
}

like() {
    if printf '%s' "$2" | grep -qE -- "$3"; then _t_result 0 "$1"
    else _t_result 1 "$1" "$(printf 'no match for /%s/ in:\n%s' "$3" "$2" | tail -n 30)"; fi
}

unlike() {
    if printf '%s' "$2" | grep -qE -- "$3"; then
        _t_result 1 "$1" "$(printf 'unexpected match for /%s/ in:\n%s' "$3" "$2" | tail -n 30)"
    else _t_result 0 "$1"; fi
}

wait_for() {
    local limit=$1 i; shift
    for ((i = 0; i < limit * 20; i++)); do
        "$@" >/dev/null 2>&1 && return 0
        sleep 0.05
    done
    return 1
}

done_testing() {
    echo "1..$_t_n"
    [ $_t_fail -eq 0 ]
}
