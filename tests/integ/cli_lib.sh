# SPDX-License-Identifier: Apache-2.0
# tests/integ/cli_lib.sh — sourced by command-line suites after lib.sh: a site driven
# through `kwhpos` with the simulator as its reader.
#
#   cli_site [init options]   starts `kwhsim serve` in $D (stopped on exit), makes the
#                             site ($T/site.db, area 123456) with an administrator
#                             system/$ADMIN and a seller clerk/$CLERK
#   k ARGS                    kwhpos with the site's INI ($T/k.ini)
#   admin ARGS, clerk ARGS    the same as that operator (password on stdin)
#   sim ARGS                  kwhsim on $D
D=$T/sim
mkdir -p "$D"
ADMIN=admin-pass-1
CLERK=clerk-pass-1
printf '[database]\npath = %s\n[reader]\nport = %s\n' "$T/site.db" "$D/reader" >"$T/k.ini"
sim() { "$KWHSIM" --dir "$D" "$@"; }
k() { "$KWHPOS" -c "$T/k.ini" "$@"; }
clerk() { echo "$CLERK" | k --user clerk "$@"; }
admin() { echo "$ADMIN" | k --user system "$@"; }

cli_site() {
    "$KWHSIM" --dir "$D" serve 2>"$T/serve.log" &
    SIM=$!
    on_exit "kill $SIM 2>/dev/null; wait $SIM 2>/dev/null"
    ok "the simulator starts" wait_for 10 test -S "$D/control.sock"
    k init --area 123456 "$@" >/dev/null
    printf '1\n%s\n%s\n' "$ADMIN" "$ADMIN" | k --user system operator passwd >/dev/null
    printf '%s\nclerk-first-1\nclerk-first-1\n' "$ADMIN" |
        k --user system operator add --name clerk --role seller >/dev/null
    # a new operator sets their own password at the first login
    printf 'clerk-first-1\n%s\n%s\n' "$CLERK" "$CLERK" | k --user clerk operator passwd >/dev/null
}
