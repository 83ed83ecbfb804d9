#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# tests/run.sh [--unit-only] BUILD_DIR [BUILD_DIR...]
# tests/run.sh --layout ID BUILD_DIR [BUILD_DIR...]
#
# Runs every suite against each build directory and prints one closing line
#   N passed, N failed
# counted over all of them. Every suite speaks TAP on stdout+stderr ("ok N - name",
# "not ok N - name", an optional "1..N" plan): cmocka unit binaries through
# CMOCKA_MESSAGE_OUTPUT=TAP, integration scripts through tests/integ/lib.sh.
# A suite that exits non-zero without reporting a failure, or that reports fewer
# results than it planned, counts the shortfall (at least one) as failed. A suite
# marked "# kwh-run: once" (it checks sources or the fuzz targets, not a build) runs
# with the first build directory only.
#
# PostgreSQL: one private server for the whole run (tests/pg/server.sh, a unix socket in
# a temporary folder, removed at the end). Unit suites whose source says
# "kwh-backends: sqlite pg" and integration suites with a "# kwh-backends: sqlite pg" line
# run a second time on it ("NAME@pg"; KWH_TEST_PG names the server, KWH_BACKEND=pg), each
# suite in databases of its own; "# kwh-backends: pg" suites run on it only. The
# integration suites run on PostgreSQL with the first build directory only (the unit
# suites with every one): the sanitizer build checks the same store code in-process.
#
# The integration suites of the second build directory and after (the sanitizer build in
# make check) run with KWH_LOOP_SLICE=1: the long fault loops take the fixed slice they
# take on PostgreSQL (loop_lib.sh's loop_slice; every operation and pull point is run on
# the first build; make san runs them whole under the sanitizers).
#
# A suite has 600 s (a unit binary 300 s) before it is stopped and counted failed; an
# integration suite with a "# kwh-limit: N" line has N s (deb_lintian builds the
# packages twice).
#
# Suites run KWH_TEST_JOBS at a time (3 unless set): each has temporary folders, tmux
# servers, sockets and ports of its own. A suite marked "kwh-run: alone" (it stops and
# starts the shared PostgreSQL server) runs with no other suite beside it.
#
# Card layouts (docs/card-format.md): a suite with a "kwh-layouts: kwh1 test" line runs a
# second time in the test layout ("NAME@test", KWH_CARD_PROFILE=test: the sites it makes
# and the simulator's meters use it) — the unit suites with every build, the integration
# suites with the first; a short slice of the proof that nothing above the card layer
# knows where anything lies on a card. --layout ID runs the whole proof instead (make
# check-profile): every suite with a kwh-layouts line and every loop_*.sh suite, in
# layout ID only, on SQLite, every interruption step of test_core_interrupt.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
unit_only=0
layout=
if [ "${1:-}" = --unit-only ]; then unit_only=1; shift; fi
if [ "${1:-}" = --layout ] && [ $# -ge 2 ]; then layout=$2; shift 2; fi
[ $# -ge 1 ] || { echo "usage: tests/run.sh [--unit-only | --layout ID] BUILD_DIR..." >&2; exit 2; }

logdir=$top/build/test-logs
mkdir -p "$logdir"
resdir=$(mktemp -d "${TMPDIR:-/tmp}/kwhrun.XXXXXX")
jobs_max=${KWH_TEST_JOBS:-3}
suite_alone=0
case $jobs_max in '' | *[!0-9]* | 0) jobs_max=1 ;; esac

# run_suite LABEL LOG TIMEOUT CMD...: starts the suite in the background once fewer than
# KWH_TEST_JOBS suites run (3 unless set; most suites wait on terminals, baud rates and
# servers rather than on the CPU); its result goes to a file of its own in $resdir
run_suite() {
    if [ "$suite_alone" = 1 ]; then
        wait
        run_one "$@"
        return
    fi
    while [ "$(jobs -rp | wc -l)" -ge "$jobs_max" ]; do wait -n; done
    run_one "$@" &
}

run_one() {
    local label=$1 log=$2 limit=$3; shift 3
    local rc pass fail plan t0=$SECONDS
    timeout --kill-after=10 "$limit" "$@" >"$log" 2>&1
    rc=$?
    local secs=$((SECONDS - t0))
    pass=$(grep -cE '^ok [0-9]+' "$log")
    fail=$(grep -cE '^not ok [0-9]+' "$log")
    plan=$(grep -oE '^1\.\.[0-9]+' "$log" | cut -d. -f3 | awk '{s += $1} END {if (NR) print s}')
    if [ -n "$plan" ] && [ $((pass + fail)) -lt "$plan" ]; then
        fail=$((fail + plan - pass - fail))
    fi
    if [ $rc -ne 0 ] && [ "$fail" -eq 0 ]; then
        fail=1
        echo "not ok - $label exited with status $rc (see $log)" >>"$log"
    fi
    echo "$pass $fail $label" >"$resdir/$(printf '%s' "$label" | tr '/@' '__').res"
    # one write per suite, so lines of suites finishing together do not interleave
    if [ "$fail" -gt 0 ]; then
        printf '%-44s %4d passed, %d FAILED %4ds (%s)\n%s\n' "$label" "$pass" "$fail" "$secs" \
            "$log" "$(grep -E '^not ok|^# ' "$log" | grep -vE '^# (ok|skip)' | head -n 30 |
                sed 's/^/    /')"
    else
        printf '%-44s %4d passed %4ds\n' "$label" "$pass" "$secs"
    fi
}

# the PostgreSQL server (not for --layout, which runs on SQLite)
pgbase= pgdir=
if [ -z "$layout" ]; then
    pgdir=$(mktemp -d /tmp/kwhpg.XXXXXX)
    if pgconn=$("$here/pg/server.sh" start "$pgdir" 2>"$logdir/pg-server.log"); then
        pgbase=$pgconn
    else
        echo "tests/run.sh: the test PostgreSQL server did not start (see $logdir/pg-server.log)"
    fi
fi
trap 'kill $(jobs -rp) 2>/dev/null; wait; [ -z "$pgdir" ] || "$here/pg/server.sh" stop "$pgdir"; rm -rf "$resdir"' EXIT

# backends FILE: the backends a suite runs on ("sqlite" unless it says otherwise)
backends() {
    local b
    b=$(grep -m1 -oE 'kwh-backends:[ a-z]+' "$1" 2>/dev/null | sed 's/kwh-backends://')
    echo "${b:-sqlite}"
}

# layouts FILE: the card layouts a suite runs in (with --layout: that one, for the suites
# of the proof; none for the others)
layouts() {
    local l
    l=$(grep -m1 -oE 'kwh-layouts:[ a-z0-9]+' "$1" 2>/dev/null | sed 's/kwh-layouts://')
    if [ -n "$layout" ]; then
        case $(basename "$1") in loop_*.sh) l=$layout ;; esac
        if [ -n "$l" ]; then echo "$layout"; fi
        return
    fi
    echo "${l:-kwh1}"
}

# run_pg LABEL LOG TIMEOUT CMD...: a suite on the PostgreSQL server, or a failure when
# there is none
run_pg() {
    if [ -z "$pgbase" ]; then
        echo "not ok 1 - no PostgreSQL test server (make deps installs postgresql)" >"$2"
        run_suite "$1" "$2" 10 false
        return
    fi
    KWH_TEST_PG=$pgbase KWH_BACKEND=pg run_suite "$@"
}

first=1
for b in "$@"; do
    bdir=$(cd "$top/$b" 2>/dev/null && pwd) || bdir=$(cd "$b" && pwd) || {
        echo "tests/run.sh: no build directory $b" >&2; exit 2; }
    tag=$(basename "$bdir")
    for t in "$bdir"/tests/test_*; do
        [ -x "$t" ] || continue
        name=$(basename "$t")
        suite_alone=0
        grep -q 'kwh-run: alone' "$top/tests/unit/$name.c" 2>/dev/null && suite_alone=1
        # the card layouts other than kwh1 (or the one of --layout), on SQLite
        for lay in $(layouts "$top/tests/unit/$name.c"); do
            [ "$lay" = kwh1 ] && [ -z "$layout" ] && continue
            KWH_CARD_PROFILE=$lay CMOCKA_MESSAGE_OUTPUT=TAP KWH_TOP=$top \
                KWH_INTERRUPT_STRIDE=${KWH_INTERRUPT_STRIDE:-$([ -n "$layout" ] && echo 1 || echo 32)} \
                KWHPOS_PRINT_MODULE=$bdir/kwhpos-print.so KWHPOS_LOCALEDIR=$bdir/locale \
                run_suite "$tag/$name@$lay" "$logdir/$tag-$name@$lay.log" 600 "$t"
        done
        [ -n "$layout" ] && continue
        # nothing is compiled in: the unit tests find the module and catalogues here
        for be in $(backends "$top/tests/unit/$name.c"); do
            if [ "$be" = pg ]; then
                KWH_INTERRUPT_STRIDE=${KWH_INTERRUPT_STRIDE:-32} CMOCKA_MESSAGE_OUTPUT=TAP \
                    KWH_TOP=$top KWHPOS_PRINT_MODULE=$bdir/kwhpos-print.so \
                    KWHPOS_LOCALEDIR=$bdir/locale \
                    run_pg "$tag/$name@pg" "$logdir/$tag-$name@pg.log" 300 "$t"
            else
                # the sanitizer build takes every 4th interruption step (the plain build
                # every one): the same code, four times slower under ASan
                KWH_INTERRUPT_STRIDE=${KWH_INTERRUPT_STRIDE:-$([ "$tag" = san ] && echo 4 || echo 1)} \
                    CMOCKA_MESSAGE_OUTPUT=TAP KWH_TOP=$top KWHPOS_PRINT_MODULE=$bdir/kwhpos-print.so \
                    KWHPOS_LOCALEDIR=$bdir/locale \
                    run_suite "$tag/$name" "$logdir/$tag-$name.log" 300 "$t"
            fi
        done
    done
    [ $unit_only = 1 ] && continue
    for s in "$top"/tests/integ/*.sh; do
        [ -f "$s" ] || continue
        case $(basename "$s") in lib.sh | *_lib.sh) continue ;; esac
        name=$(basename "$s" .sh)
        # suites that do not depend on the build (sources, fuzz targets) run once
        if [ $first = 0 ] && grep -q '^# kwh-run: once' "$s"; then continue; fi
        suite_alone=0
        grep -q '^# kwh-run: alone' "$s" && suite_alone=1
        # a suite's time limit: 600 s, or its "# kwh-limit: N" line's
        lim=$(grep -m1 -oE '^# kwh-limit: [0-9]+' "$s" | grep -oE '[0-9]+$')
        lim=${lim:-600}
        for lay in $(layouts "$s"); do
            [ "$lay" = kwh1 ] && [ -z "$layout" ] && continue
            [ $first = 1 ] || [ -n "$layout" ] || continue
            KWH_CARD_PROFILE=$lay KWH_BUILD=$bdir KWH_TOP=$top \
                run_suite "$tag/$name@$lay" "$logdir/$tag-$name@$lay.log" "$lim" bash "$s"
        done
        [ -n "$layout" ] && continue
        for be in $(backends "$s"); do
            if [ "$be" = pg ]; then
                [ $first = 1 ] || continue
                KWH_BUILD=$bdir KWH_TOP=$top run_pg "$tag/$name@pg" "$logdir/$tag-$name@pg.log" \
                    "$lim" bash "$s"
            else
                KWH_LOOP_SLICE=$((1 - first)) KWH_BUILD=$bdir KWH_TOP=$top \
                    run_suite "$tag/$name" "$logdir/$tag-$name.log" "$lim" bash "$s"
            fi
        done
    done
    first=0
done

wait
total_pass=0
total_fail=0
failed_suites=()
for r in "$resdir"/*.res; do
    [ -f "$r" ] || continue
    read -r pass fail label <"$r"
    total_pass=$((total_pass + pass))
    total_fail=$((total_fail + fail))
    [ "$fail" -gt 0 ] && failed_suites+=("$label")
done
if [ ${#failed_suites[@]} -gt 0 ]; then
    echo "failed suites: ${failed_suites[*]}"
fi
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
