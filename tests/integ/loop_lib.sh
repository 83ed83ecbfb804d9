# SPDX-License-Identifier: Apache-2.0
# tests/integ/loop_lib.sh — sourced by the loop_*.sh suites after lib.sh.
#
# A site driven through the real kwhpos command line against `kwhsim serve`, on either
# card reader driver: LOOP_READER=serial (the default: kwhsim's reader on a pty) or
# LOOP_READER=pcsc (a private pcscd with vsmartcard's vpcd, kwhsim the card behind it;
# tests/integ/pcsc_lib.sh), so one scenario runs on both.
#   start_sim [serve options]     the simulator in $D, stopped on exit (call it
#                                 directly, not inside ok: it sets SIM_PID)
#   new_site INI DB AREA          kwhpos init + the first password change
#   run kp ARGS...                kwhpos as operator system (KINI=other.ini for
#                                 another site); sets OUT (stdout and stderr) and RC
#   kv KEY                        the value of a "KEY: value" line of OUT
#   q SQL                         one query on the site database ($DB), as sqlite3 -A
#                                 or psql -A print it
# The backend: KWH_BACKEND=pg (tests/run.sh sets it, with KWH_TEST_PG, the libpq string
# of its test server) puts every site of the suite on PostgreSQL: a site file PATH
# stands for a database of its own on that server (db_target PATH), the INI names it
# with [database] url, and q translates the few SQLite-only functions the suites use.
#   db_target PATH                what kwhpos opens for the site file PATH
#   db_ini PATH                   the [database] lines of an INI for it
#   db_copy FROM TO               copies a site's database (a snapshot)
# The card layout: KWH_CARD_PROFILE (default kwh1) is the layout of every site the suite
# makes (kwhpos init --card-profile) and of the simulator's meters (KWHSIM_PROFILE), so
# the whole suite runs under the test layout too (make check-profile). The suites name
# the pieces of a card, never their offsets:
#   piece CARD NAME               the bytes of one piece (kwhsim card-piece: commit,
#                                 serial, psc, mark, active, inactive, mac, return, keyx)
#   at CARD NAME [K]              the offset of a piece (plus K)
# The card's side:
#   card_bytes CARD OFF LEN       bytes of a card file as hex, no spaces
#   card_active CARD              the record in force (as hex) or "none"
#   db_slot CUSTOMER              the slot the last done write left on that account's card
#   tries CARD                    PSC tries left
#   poke CARD OFF HEX, flip CARD OFF   edit a card file by hand
# The meter's side: mi METER CARD (its answer), field METER ITEM (one display item).
# The books: money (money taken by done sales), ops (card writes recorded).
# Faults: bytes_written (how many bytes a command writes, measured on copies),
# answers (how many reader answers it takes, on copies), pending_op,
# stopped_at_commit CARD, changed CARD OFF BYTE.
# The world of a suite: books [DB] (what an operation may change, as one line),
# save_world / restore_world, card_of CUSTOMER (the name of its card file now),
# tool_slot CARD (the record the last done write left on it), one_line NAME TEXT.
# The slice: loop_slice is true when the long fault loops take their fixed slice (fewer
# operations or pull points, each suite says which): on PostgreSQL, and when
# KWH_LOOP_SLICE=1 (tests/run.sh sets it for its second build, the sanitizer build of
# make check); KWH_FAULT_ALL=1 runs everything anyway.

. "$(dirname "${BASH_SOURCE[0]}")/pcsc_lib.sh"

D=$T/sim
LAYOUT=${KWH_CARD_PROFILE:-kwh1}
export KWHSIM_PROFILE=$LAYOUT
# the test layout is one a site may choose only in the test suites
[ "$LAYOUT" = kwh1 ] || export KWHPOS_TEST_PROFILES=1
INI=$T/k.ini
DB=$T/site.db
PW=loop-pass-1
LOOP_READER=${LOOP_READER:-serial}
mkdir -p "$D"

BACKEND=${KWH_BACKEND:-sqlite}
PGNS=kwhl$$
_pg_dbs=()

loop_slice() {
    [ "${KWH_FAULT_ALL:-0}" != 1 ] && { [ "$BACKEND" = pg ] || [ "${KWH_LOOP_SLICE:-0}" = 1 ]; }
}

# pg_admin SQL...: each statement in its own transaction, on one connection
pg_admin() {
    local a=()
    for s in "$@"; do a+=(-c "$s"); done
    PGOPTIONS='-c client_min_messages=warning' psql -XAtq -v ON_ERROR_STOP=1 \
        "$KWH_TEST_PG dbname=postgres" "${a[@]}" >/dev/null
}
pg_name() { echo "${PGNS}_$(printf '%s' "$1" | cksum | cut -d' ' -f1)"; }

db_target() {
    if [ "$BACKEND" = pg ]; then echo "$KWH_TEST_PG dbname=$(pg_name "$1")"; else echo "$1"; fi
}

db_ini() {
    if [ "$BACKEND" = pg ]; then
        printf '[database]\nurl = %s\n' "$(db_target "$1")"
    else
        printf '[database]\npath = %s\n' "$1"
    fi
}

# pg_create PATH: the empty database for the site file PATH
pg_create() {
    local n; n=$(pg_name "$1")
    pg_admin "DROP DATABASE IF EXISTS $n WITH (FORCE)" "CREATE DATABASE $n" && _pg_dbs+=("$n")
}

db_copy() {
    if [ "$BACKEND" = pg ]; then
        local to; to=$(pg_name "$2")
        pg_admin "DROP DATABASE IF EXISTS $to WITH (FORCE)" \
            "CREATE DATABASE $to TEMPLATE $(pg_name "$1")" && _pg_dbs+=("$to")
    else
        rm -f "$2" "$2-wal" "$2-shm"
        sqlite3 "$1" ".backup '$2'"
        chmod 600 "$2" # sqlite3 makes it 0644: kwhpos refuses a database all can read
    fi
}

_pg_drop_all() {
    local n a=()
    for n in $(printf '%s\n' "${_pg_dbs[@]}" | sort -u); do
        a+=("DROP DATABASE IF EXISTS $n WITH (FORCE)")
    done
    [ ${#a[@]} = 0 ] || pg_admin "${a[@]}"
}
[ "$BACKEND" = pg ] && on_exit _pg_drop_all

sim() { "$KWHSIM" --dir "$D" "$@"; }

start_sim() {
    if [ "$LOOP_READER" = pcsc ]; then
        [ -n "$PCSC_PORT" ] || pcsc_start || return 1
        "$KWHSIM" --dir "$D" serve --vpcd "$PCSC_PORT" "$@" >/dev/null 2>>"$T/serve.log" &
    else
        "$KWHSIM" --dir "$D" serve "$@" >/dev/null 2>>"$T/serve.log" &
    fi
    SIM_PID=$!
    on_exit "kill $SIM_PID 2>/dev/null; wait $SIM_PID 2>/dev/null"
    if [ "$LOOP_READER" = pcsc ]; then
        wait_for 10 test -S "$D/control.sock"
    else
        wait_for 10 test -S "$D/control.sock" -a -e "$D/reader"
    fi
}

# the [reader] section naming the suite's reader
reader_ini() {
    if [ "$LOOP_READER" = pcsc ]; then
        printf '[reader]\ndriver = pcsc\nname = %s\n' "$PCSC_READER"
    else
        printf '[reader]\nport = %s\n' "$D/reader"
    fi
}

# new_site INI DB AREA: an INI naming DB and the simulator's reader, a new database
new_site() {
    { db_ini "$2" && reader_ini; } >"$1"
    if [ "$BACKEND" = pg ]; then pg_create "$2" || return 1; fi
    "$KWHPOS" -c "$1" init --area "$3" --card-profile "$LAYOUT" >/dev/null &&
        printf '1\n%s\n%s\n' "$PW" "$PW" | "$KWHPOS" -c "$1" --user system operator passwd >/dev/null
}

kp() { printf '%s\n' "$PW" | "$KWHPOS" -c "${KINI:-$INI}" --user system "$@"; }

# run CMD...: OUT and RC of one command
run() {
    OUT=$("$@" 2>&1)
    RC=$?
}

# q SQL: the SQLite functions the suites use, in PostgreSQL's words there
q() {
    if [ "$BACKEND" = pg ]; then
        psql -XAtq "$(db_target "$DB")" -c "$(printf '%s' "$1" | sed -e "s/lower(hex(\([^()]*\)))/encode(\1, 'hex')/g" -e 's/group_concat(/string_agg(/g')"
    else
        sqlite3 "$DB" "$1"
    fi
}

# card_bytes CARD OFF LEN: bytes [OFF, OFF+LEN) of a card file as lower-case hex
card_bytes() {
    local f=$1
    [ -e "$f" ] || f=$D/$1.card
    awk -v off="$2" -v len="$3" '
        BEGIN { for (i = 0; i < 16; i++) hex[substr("0123456789abcdef", i + 1, 1)] = i }
        /^[0-9a-f][0-9a-f]:/ {
            base = hex[substr($1, 1, 1)] * 16 + hex[substr($1, 2, 1)]
            for (i = 2; i <= NF; i++) mem[base + i - 2] = $i
        }
        END { for (i = off; i < off + len; i++) printf "%s", mem[i]; print "" }' "$f"
}

piece() { sim card-piece "$1" "$2"; }
at() {
    local w
    w=$(sim card-piece "$1" "$2" --where) && [ "$w" != none ] || return 1
    echo $((${w% *} + ${3:-0}))
}
card_active() { piece "$1" active; }

db_slot() {
    q "SELECT lower(hex(o.slot)) FROM card_ops o JOIN customers c ON c.id = o.customer_id
       WHERE c.customer_no = $1 AND o.state = 1 ORDER BY o.id DESC LIMIT 1"
}

money() { q "SELECT COALESCE(SUM(amount_fen), 0) FROM sales WHERE state = 1"; }
ops() { q "SELECT COUNT(*) FROM card_ops"; }

tries() { sim card-show "$1" | awk '$1 == "tries" { print $2 }'; }
mi() { sim meter-insert "$@" 2>&1 | head -n 1 | sed 's/^meter [0-9]*: //'; }
field() { sim show "$1" | awk -v k="$2" '$1 == k { print $2 }'; }
# kv KEY: the value of "KEY: value" in OUT
kv() { printf '%s\n' "$OUT" | sed -n "s/^$1: //p" | head -n 1; }
# poke CARD OFF HEX: sets one byte of a card file by hand, as a forger would
poke() {
    local f=$1
    [ -e "$f" ] || f=$D/$1.card
    awk -v off="$2" -v val="$3" '
        BEGIN { for (i = 0; i < 16; i++) hex[substr("0123456789abcdef", i + 1, 1)] = i }
        /^[0-9a-f][0-9a-f]:/ {
            base = hex[substr($1, 1, 1)] * 16 + hex[substr($1, 2, 1)]
            if (off >= base && off < base + 16) { $(off - base + 2) = val }
        }
        { print }' "$f" >"$f.new" && mv "$f.new" "$f"
}
# flip CARD OFF: changes one bit of one byte by hand
flip() { poke "$1" "$2" "$(printf '%02x' $((0x$(card_bytes "$1" "$2" 1) ^ 1)))"; }

# --- faults ---------------------------------------------------------------------------

# dry_run CARD ARGS...: runs the command ARGS on copies of the database ($T/dry.db, kept
# for a look afterwards) and of the card, with whatever fault is set; RC its exit code
dry_run() {
    local card=$1; shift
    db_copy "$DB" "$T/dry.db"
    cp "$D/$card.card" "$T/dry.card"
    sim insert "$T/dry.card" >/dev/null
    printf '%s\n' "$PW" | "$KWHPOS" -c "$INI" --db "$(db_target "$T/dry.db")" --user system "$@" >/dev/null 2>&1
    RC=$?
}

# bytes_written CARD ARGS...: how many card bytes the command ARGS writes, measured on
# copies (the database and the card) so that nothing real changes
bytes_written() {
    local left
    sim fault pull 1000000 >/dev/null
    dry_run "$@"
    left=$(sim status | sed -n 's/.*pull-after-\([0-9]*\).*/\1/p')
    sim fault clear >/dev/null
    sim eject >/dev/null
    echo $((1000000 - ${left:-1000000}))
}

# answers CARD ARGS...: how many answers of the reader the command ARGS takes (the last
# one reads a write back), measured on copies: the first answer from which on every
# answer garbled still lets it succeed, less one
answers() {
    local lo=1 hi=256 mid
    while [ $lo -lt $hi ]; do
        mid=$(((lo + hi) / 2))
        sim fault garble $mid 100000 >/dev/null
        dry_run "$@"
        sim fault clear >/dev/null
        if [ $RC = 0 ]; then hi=$mid; else lo=$((mid + 1)); fi
    done
    sim eject >/dev/null
    echo $((lo - 1))
}

# pending_op: the id of the newest pending card write ("" if none)
pending_op() { q "SELECT id FROM card_ops WHERE state = 0 ORDER BY id DESC LIMIT 1"; }

# stopped_at_commit CARD: the newest pending write is on the card whole but for its
# commit byte (the card still shows its old record): every other byte is the new image's
stopped_at_commit() {
    local op row card c
    op=$(pending_op)
    [ -n "$op" ] || return 1
    c=$(($(at "$1" commit) * 2))
    row=$(q "SELECT substr(lower(hex(old_image)), $((c + 1)), 2) || ' ' || lower(hex(new_image))
             FROM card_ops WHERE id = $op")
    set -- "$1" $row
    card=$(card_bytes "$1" 0 256)
    [ "${card:c:2}" = "$2" ] && [ "${card:0:c}${card:c+2}" = "${3:0:c}${3:c+2}" ]
}

# wrote_all CARD: the newest pending write is on the card whole, its commit byte included
wrote_all() {
    local op
    op=$(pending_op)
    [ -n "$op" ] &&
        [ "$(card_bytes "$1" 0 256)" = "$(q "SELECT lower(hex(new_image)) FROM card_ops WHERE id = $op")" ]
}

# quiet CARD mute|vanish K CMD...: CMD with the reader going quiet (kwhsim fault mute|vanish
# N) once all but K of the bytes CMD writes are written, that write unanswered: K = 0 right
# after the commit byte, K > 0 inside the new record (N measured by bytes_written, as for
# the pull at the commit byte); RC and OUT the outcome
quiet() {
    local card=$1 fault=$2 k=$3 n
    shift 3
    n=$(bytes_written "$card" "$@")
    sim insert "$card" >/dev/null
    sim fault "$fault" $((n > k ? n - k : 0)) >/dev/null
    run kp "$@"
}

# changed CARD OFF BYTE: the card file's byte at OFF is no longer BYTE
changed() { [ "$(card_bytes "$1" "$2" 1)" != "$3" ]; }

# --- the world ------------------------------------------------------------------------

# books [DB]: what an operation may change, as one line: the accounts (but void ones),
# the done sales' totals, the done card writes by kind (times and card serials left out:
# they differ between two runs of the same operation)
books() {
    DB=${1:-$DB} q "SELECT
        (SELECT group_concat(customer_no || ' st' || status || ' m' || meter_no || ' n' ||
             purchase_count || ' ld' || loaded_count || ' g' || card_gen || ' bal' ||
             balance_ckwh || ' lim' || current_limit_a || ' al' || alarm_ckwh || ' od' ||
             overdraft_ckwh || ' h' || hoard_ckwh, '; ') FROM customers WHERE status != 4),
        (SELECT 'sales ' || COUNT(*) || ' ' || COALESCE(SUM(amount_fen), 0) || ' ' ||
             COALESCE(SUM(energy_ckwh), 0) || ' ' || COALESCE(SUM(fee_fen), 0)
         FROM sales WHERE state = 1),
        (SELECT 'ops ' || group_concat(kind || 'x' || n, ',') FROM
             (SELECT kind, COUNT(*) AS n FROM card_ops WHERE state = 1 GROUP BY kind ORDER BY kind) AS k)"
}

# the world an operation starts from, saved and put back (the reader empty)
save_world() {
    sim eject >/dev/null 2>&1
    rm -rf "$T/world" && mkdir -p "$T/world"
    db_copy "$DB" "$T/world/site.db"
    cp "$D"/*.card "$D"/meter-*.txt "$T/world/"
}
restore_world() {
    sim eject >/dev/null 2>&1
    rm -f "$D"/*.card
    db_copy "$T/world/site.db" "$DB"
    cp "$T/world"/*.card "$T/world"/meter-*.txt "$D/"
}

# card_of CUSTOMER: the name of the card file that is this account's card now
card_of() {
    local serial f
    serial=$(q "SELECT lower(hex(card_serial)) FROM customers WHERE customer_no = $1")
    for f in "$D"/*.card; do
        [ "$(piece "$f" serial)" = "$serial" ] && { basename "$f" .card; return; }
    done
}

# tool_slot CARD: the record the last done write left on this card (by its serial)
tool_slot() {
    q "SELECT lower(hex(slot)) FROM card_ops WHERE state = 1 AND lower(hex(card_serial)) =
       '$(piece "$1" serial)' ORDER BY id DESC LIMIT 1"
}

# settle_read NAME done|void: after a faulted card write of $CMD on $CARD (RC its exit
# code): the fault cleared, the card put back and read (which settles the write);
# nothing is pending, the books are those before ($BEFORE, void) or of an uninterrupted
# run ($REF, done), and the card and the database agree
settle_read() {
    local name=$1 want=$2 was=$RC holder
    sim fault clear >/dev/null
    sim insert "$CARD" >/dev/null
    run kp card read
    is "$name: the card reads back (exit 0)" "$RC" 0
    if [ "$was" = 8 ]; then
        like "$name: the read settles the waiting write" "$OUT" \
            "^settled: the [a-z-]+ of op #[0-9]+ $([ "$want" = done ] && echo 'was completed' || echo 'never reached')"
    fi
    is "$name: nothing is left pending" "$(kp pending)" ""
    if [ "$want" = done ]; then
        is "$name: the books are those of an uninterrupted run" "$(books)" "$REF"
    else
        is "$name: the books are as before" "$(books)" "$BEFORE"
    fi
    holder=$(q "SELECT customer_no FROM customers WHERE lower(hex(card_serial)) =
                '$(piece "$CARD" serial)' AND status IN (1, 2)")
    if [ -n "$holder" ]; then
        is "$name: the account's card and the database agree" \
            "$(card_active "$(card_of "$holder")")" "$(db_slot "$holder")"
    elif [ "$(card_active "$CARD")" != none ]; then
        is "$name: the card and the database agree" "$(card_active "$CARD")" "$(tool_slot "$CARD")"
    fi
}

# pull_at_commit: $CMD on $CARD with the card pulled at the commit byte (every byte but
# that one written: $N - 1, $N measured by bytes_written; a byte of the new record equal
# to the old one is not written, so the count can differ between two runs: measured
# again and repeated); one result that it landed there, RC and OUT its outcome
pull_at_commit() {
    local attempt
    for attempt in 1 2 3 4; do
        $PREPARE
        sim fault pull $((N - 1)) >/dev/null
        run kp "${CMD[@]}"
        [ "$RC" = 8 ] && stopped_at_commit "$CARD" && break
        sim fault clear >/dev/null
        $PREPARE
        N=$(bytes_written "$CARD" "${CMD[@]}")
    done
    ok "$OPNAME: the card was pulled exactly at the commit byte" stopped_at_commit "$CARD"
    like "$OPNAME, pulled at the commit byte: the outcome is not known" "$OUT" \
        'not known whether the card took the write'
}

# one_line NAME TEXT: kwhpos's error in TEXT is one line, the last (what the command was
# about to do comes before it)
one_line() {
    is "$1: one line says what happened" \
        "$(printf '%s\n' "$2" | grep -c '^kwhpos:') $(printf '%s\n' "$2" | tail -n 1 | cut -c1-7)" \
        "1 kwhpos:"
}
