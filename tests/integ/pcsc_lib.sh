# SPDX-License-Identifier: Apache-2.0
# tests/integ/pcsc_lib.sh — sourced after lib.sh: a private pcscd with a vpcd reader.
#
#   pcsc_start        starts pcscd in the foreground on $T/pcsc (its socket there, reached
#                     by clients through PCSCLITE_CSOCK_NAME, exported), its reader.conf.d
#                     naming vsmartcard's vpcd on a free TCP port (PCSC_PORT; vpcd takes
#                     it and the next one, a reader each); stopped on exit. Call it
#                     directly, not inside ok.
#   PCSC_READER       the name of the vpcd reader kwhsim plays the card in
#
# tools/pcscd-vpcd.sh does it (a socket handed over by tests/tools/sockact, since
# pcscd 1.9.9 binds its compiled-in one otherwise; a port free of other tests, checked
# to be listening); the packaged pcscd never runs (policy-rc.d).

PCSC_DIR=$T/pcsc
PCSC_READER="Virtual PCD 00 00"
PCSC_PORT=
PCSCD_PID=

pcsc_start() {
    local started
    export PCSCLITE_CSOCK_NAME=$PCSC_DIR/pcscd.comm
    started=$("$KWH_TOP/tools/pcscd-vpcd.sh" "$PCSC_DIR" "$TOOLS/sockact" $((30000 + ($$ * 2) % 30000))) ||
        return 1
    read -r PCSC_PORT PCSCD_PID <<<"$started"
    on_exit "kill $PCSCD_PID 2>/dev/null; wait_for 5 bash -c '! kill -0 $PCSCD_PID 2>/dev/null'"
}
