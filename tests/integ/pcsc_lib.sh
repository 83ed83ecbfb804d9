# tests/integ/pcsc_lib.sh — sourced after lib.sh: a private pcscd with a vpcd reader.
#
#   pcsc_start        starts pcscd in the foreground on $T/pcsc (its socket there, reached
#                     by clients through PCSCLITE_CSOCK_NAME, exported), its reader.conf.d
#                     naming vsmartcard's vpcd on a free TCP port (PCSC_PORT; vpcd takes
#                     it and the next one, a reader each); stopped on exit. Call it
#                     directly, not inside ok.
#   PCSC_READER       the name of the vpcd reader kwhsim plays the card in
#
# pcscd 1.9.9 binds its compiled-in socket unless systemd hands it one, so the suite
# hands it one (tests/tools/sockact); the packaged pcscd never runs (policy-rc.d). vpcd
# listens on every address: the port is chosen free of other tests (by $$, then the
# next pair) and checked to be listening before the suite goes on.

PCSC_DIR=$T/pcsc
PCSC_READER="Virtual PCD 00 00"
PCSC_PORT=
PCSCD_PID=

# whether a TCP port is in use here (listening or connected, IPv4 or IPv6)
_pcsc_port_used() {
    grep -qi ":$(printf '%04X' "$1") " /proc/net/tcp /proc/net/tcp6 2>/dev/null
}
_pcsc_listening() {
    grep -qi ":$(printf '%04X' "$1") 0\{8,32\}:0000 0A" /proc/net/tcp /proc/net/tcp6 2>/dev/null
}

pcsc_start() {
    local try port
    mkdir -p "$PCSC_DIR/conf.d"
    export PCSCLITE_CSOCK_NAME=$PCSC_DIR/pcscd.comm
    port=$((30000 + ($$ * 2) % 30000))
    for try in 1 2 3 4 5; do
        while _pcsc_port_used $port || _pcsc_port_used $((port + 1)); do
            port=$((port + 2 > 62000 ? 30000 : port + 2))
        done
        cat >"$PCSC_DIR/conf.d/vpcd" <<CONF
FRIENDLYNAME "Virtual PCD"
DEVICENAME   /dev/null:$port
LIBPATH      /usr/lib/pcsc/drivers/serial/libifdvpcd.so
CHANNELID    $port
CONF
        "$TOOLS/sockact" "$PCSCLITE_CSOCK_NAME" pcscd --foreground --config "$PCSC_DIR/conf.d" \
            ${PCSCD_DEBUG:---error} >>"$PCSC_DIR/pcscd.log" 2>&1 &
        PCSCD_PID=$!
        if wait_for 10 _pcsc_listening $port; then
            PCSC_PORT=$port
            on_exit "kill $PCSCD_PID 2>/dev/null; wait $PCSCD_PID 2>/dev/null"
            return 0
        fi
        # another test took the port first: try the next pair
        kill $PCSCD_PID 2>/dev/null
        wait $PCSCD_PID 2>/dev/null
        port=$((port + 2))
    done
    echo "# pcscd with vpcd did not start (see $PCSC_DIR/pcscd.log)" >&2
    return 1
}
