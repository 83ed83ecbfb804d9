# SPDX-License-Identifier: Apache-2.0
# tests/integ/cups_lib.sh — a private CUPS for the printing suites (sourced after lib.sh).
#
#   cups_start                     # cupsd on $T/cups.sock; CUPS_SERVER points at it
#   listener MODE NAME [PORT]      # a socket printer on 127.0.0.1:$port (sets port,
#                                  # listener_pid); MODE once: the first job to
#                                  # $T/NAME.bin; hold: the same, then keeps the line
#                                  # open; many: job k to $T/NAME.k.bin, k = 1, 2, ...
#   add_queue lpadmin-arguments... # lpadmin, showing its complaint if it has one
#   no_jobs QUEUE                  # true when QUEUE holds no unfinished job
#   free_port                      # a TCP port nobody listens on
# PDF_PPD names the Generic PDF printer driver for file: queues.

PDF_PPD=/usr/share/ppd/cupsfilters/Generic-PDF_Printer-PDF.ppd

cups_start() {
    local C=$T/cups
    # filters run as the unprivileged lp user when cupsd runs as root: let them in
    chmod 755 "$T"
    mkdir -p "$C/etc/ppd" "$C/spool/tmp" "$C/cache" "$C/state" "$C/log"
    cat >"$C/etc/cupsd.conf" <<EOF
Listen $T/cups.sock
LogLevel info
Browsing Off
WebInterface No
<Location />
  Order allow,deny
  Allow all
</Location>
<Policy default>
  <Limit All>
    Order allow,deny
    Allow all
  </Limit>
</Policy>
EOF
    cat >"$C/etc/cups-files.conf" <<EOF
ServerRoot $C/etc
RequestRoot $C/spool
TempDir $C/spool/tmp
CacheDir $C/cache
StateDir $C/state
ServerBin /usr/lib/cups
DataDir /usr/share/cups
FileDevice Yes
ErrorLog $C/log/error_log
AccessLog $C/log/access_log
PageLog $C/log/page_log
EOF
    export CUPS_SERVER=$T/cups.sock
    cupsd -f -c "$C/etc/cupsd.conf" -s "$C/etc/cups-files.conf" >"$C/log/stdout" 2>&1 &
    cupsd_pid=$!
    on_exit "kill $cupsd_pid; wait $cupsd_pid"
    ok "a private cupsd starts on its own socket" wait_for 10 _cups_up
}
_cups_up() { lpstat -r 2>/dev/null | grep -q 'scheduler is running'; }

cat >"$T/listen.py" <<'EOF'
import os, signal, socket, sys
mode, portfile, out = sys.argv[1:4]
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[4]) if len(sys.argv) > 4 else 0))
s.listen(4)
with open(portfile + ".tmp", "w") as f:
    f.write(str(s.getsockname()[1]))
os.rename(portfile + ".tmp", portfile)
k = 0
while True:
    c, _ = s.accept()
    k += 1
    name = "%s.%d.bin" % (out, k) if mode == "many" else out + ".bin"
    with open(name + ".part", "wb") as f:
        while True:
            b = c.recv(65536)
            if not b:
                break
            f.write(b)
    os.rename(name + ".part", name)
    if mode == "hold":
        signal.pause()
    c.close()
    if mode != "many":
        break
EOF
listener() { # mode name [port] -> sets port and listener_pid
    python3 "$T/listen.py" "$1" "$T/$2.port" "$T/$2" ${3:+"$3"} &
    listener_pid=$!
    on_exit "kill $listener_pid 2>/dev/null; wait $listener_pid 2>/dev/null"
    wait_for 5 test -s "$T/$2.port" && port=$(cat "$T/$2.port")
}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
add_queue() { lpadmin "$@" 2>"$T/lpadmin.err" || cat "$T/lpadmin.err" >&2; }
no_jobs() { [ -z "$(lpstat -W not-completed -o "$1" 2>/dev/null)" ]; }
has_jobs() { ! no_jobs "$1"; }
