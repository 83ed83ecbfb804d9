#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# tests/torture/faults.sh BUILD — failure at the Nth call, the full sweep
# (tests/unit/test_faults.c with KWH_FAULTS=all): every core operation with every call
# of every kind of fault failing in turn, on SQLite and then on PostgreSQL (a private
# server, tests/pg/server.sh; there the program's own allocations, file calls and the
# card). Run it on the sanitizer build (make torture-faults B=build/san SAN=1) so that
# LeakSanitizer checks every run.
#
#   TORTURE_FAULTS_BACKENDS="sqlite pg"  the backends
#   TORTURE_FAULTS_PERSIST=1             every call after the Nth fails too
#   TORTURE_FAULTS_ONLY=NAME             the operations whose name contains NAME
#   TORTURE_FAULTS_KIND=A,B              the kinds whose names begin with A or B
#                                        (allocation, file, SQLite, card, serial)
set -u
build=${1:?usage: faults.sh BUILD}
top=$(cd "$(dirname "$0")/../.." && pwd)
bin=$build/tests/test_faults
[ -x "$bin" ] || { echo "faults.sh: no $bin (make all first)" >&2; exit 2; }
export KWH_TOP=$top KWH_FAULTS=all KWH_FAULTS_PERSIST=${TORTURE_FAULTS_PERSIST:-0}
[ -z "${TORTURE_FAULTS_ONLY:-}" ] || export KWH_FAULTS_ONLY=$TORTURE_FAULTS_ONLY
[ -z "${TORTURE_FAULTS_KIND:-}" ] || export KWH_FAULTS_KIND=$TORTURE_FAULTS_KIND
rc=0 pgdir=
trap '[ -z "$pgdir" ] || "$top/tests/pg/server.sh" stop "$pgdir"; [ -z "$pgdir" ] || rm -rf "$pgdir"' EXIT
for b in ${TORTURE_FAULTS_BACKENDS:-sqlite pg}; do
    t0=$SECONDS
    echo "== faults on $b"
    if [ "$b" = pg ]; then
        pgdir=$(mktemp -d /tmp/kwhpgfault.$$.XXXXXX)
        conn=$("$top/tests/pg/server.sh" start "$pgdir") || {
            echo "faults.sh: the test PostgreSQL server did not start" >&2; rc=1; continue; }
        KWH_TEST_PG=$conn KWH_BACKEND=pg "$bin" 2>&1 | grep -E '^# |^\[  (FAILED|PASSED)|ERROR' ||
            true
        status=${PIPESTATUS[0]}
    else
        "$bin" 2>&1 | grep -E '^# |^\[  (FAILED|PASSED)|ERROR' || true
        status=${PIPESTATUS[0]}
    fi
    echo "== faults on $b: exit $status, $((SECONDS - t0)) s"
    [ "$status" = 0 ] || rc=1
done
exit $rc
