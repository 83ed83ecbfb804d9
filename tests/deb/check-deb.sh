#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# make check-deb: the Debian packages as an administrator meets them, in a fresh
# Debian 12 root (../shared/tools/fresh-run.sh: debootstrap, a private mount and PID
# namespace, thrown away afterwards). Builds the .debs (make deb), then inside the
# root runs tests/deb/inside.sh: apt-get install ./..., init, a sale against kwhsim as
# the kwhpos user, man, systemd-analyze verify, the attack of issue 15 as nobody,
# upgrade over itself, remove, purge, checking what is left at each step.
# Prints TAP and a closing "N passed, N failed". Needs root and the Debian mirror.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
fresh=${FRESH_RUN:-$top/../shared/tools/fresh-run.sh}
[ -x "$fresh" ] || { echo "check-deb: no $fresh (the shared tools)" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "check-deb: needs root (a chroot)" >&2; exit 2; }
T=$(mktemp -d "${TMPDIR:-/tmp}/kwhdeb.XXXXXX")
trap 'rm -rf "$T"' EXIT
tools/make-deb.sh "$T/debs" >/dev/null || exit 1
cp tests/deb/inside.sh "$T/debs/"
# the working tree's script and packages, not only what is committed
"$fresh" "$top" "bash /shared/inside.sh /shared" "$T/debs" 2>"$T/fresh.log" | tee "$T/tap"
rc=${PIPESTATUS[0]}
pass=$(grep -cE '^ok [0-9]+' "$T/tap")
fail=$(grep -cE '^not ok [0-9]+' "$T/tap")
if [ "$rc" -ne 0 ] && [ "$fail" -eq 0 ]; then
    fail=1
    tail -n 20 "$T/fresh.log" >&2
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
