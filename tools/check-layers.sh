#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# tools/check-layers.sh [TOP] — the layering of docs/architecture.md, checked over every
# layer from the source tree (TOP, default this checkout); prints "layers: ok", or one
# "layers: ..." line per breach and exits 1.
#
#   1. includes: each layer includes only the project headers of the layers under it
#      (include/kwhpos/ headers belong to the layer that implements them, the private
#      headers of a layer live in its own directory), and a public header only headers
#      of its own layer or below;
#   2. each file includes what it uses: a file that calls a function (or uses a table)
#      of a project header includes that header itself, not through another header;
#   3. system headers: curses only in src/ui, CUPS/Pango/Cairo only in src/print,
#      libserialport and pcsc-lite only in src/card, SQLite only in src/store, iniparser only in
#      src/config; SQL only in src/store.
set -u
top=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$top" || exit 2
fail=0
bad() { echo "layers: $*"; fail=1; }

# --- 1. which project headers each layer may include -----------------------------------
# The layer of each public header (the directory of the code behind it).
declare -A owner=(
    [err]=util [util]=util [model]=util [csv]=util
    [card]=card [cardio]=card [cardprofile]=card [cardwrite]=card [frame]=card [reader]=card [serial]=card
    [carddev]=card [apdu]=card [pcsc]=card [cardreg]=card
    [config]=config [print]=print
    [core]=core [plan]=core [money]=core [query]=core [oversight]=core [chart]=core [data]=core [invoice]=core [units]=core
    [printer]=app
)
# Layers a layer may include from, itself included. Floors: main -> ui, cli -> app ->
# core -> store, card, print, config -> util; sim -> card -> util. The card layer's
# reader registry (cardreg) opens the reader the configuration names: card -> config.
declare -A below=(
    [util]="util"
    [card]="card config util"
    [config]="config util"
    [print]="print util"
    [store]="store card util"
    [core]="core store card util"
    [app]="app core print config card util"
    [ui]="ui app core print config card util"
    [cli]="cli app core print config card util"
    [main]="main ui cli app core print config card util"
    [sim]="sim card util"
)
# The card layer's drivers: for the layer itself, the simulator (it is a reader), the
# core (the reader registry's list of readers) and the programs that open the reader for
# the core (main.c, cli). A screen reaches a reader only through the core.
driver='^kwhpos/(frame|reader|serial|carddev|apdu|pcsc|cardreg)\.h$'
driver_ok=" card sim core main cli "
# Private headers: a layer's own directory; core also reaches the store's interface.
private_ok() { # layer header
    local l=$1 h=$2
    case $h in
    "$l"/*.h) return 0 ;;
    store/store.h | store/store_query.h | store/store_invoice.h) [ "$l" = core ] ;;
    ui/ui.h | cli/cli.h) [ "$l" = main ] ;;
    *) return 1 ;;
    esac
}

# layer_of PATH: sets $layer (no subshell: the check runs over every file, often)
layer_of() {
    case $1 in
    src/main.c) layer=main ;;
    src/print/module/*) layer=print ;;
    src/*/*) layer=${1#src/}; layer=${layer%%/*} ;;
    include/kwhpos/*.h) layer=${1##*/}; layer=${owner[${layer%.h}]:-?} ;;
    *) layer="?" ;;
    esac
}

files=$(git ls-files 'src/*.c' 'src/*.h' 'include/kwhpos/*.h' 2>/dev/null)
[ -n "$files" ] || files=$(find src include -name '*.[ch]' | sort)
for f in $files; do
    [ -f "$f" ] || continue
    layer_of "$f"
    if [ "$layer" = "?" ]; then
        bad "$f: no layer for it (tools/check-layers.sh names every header's layer)"
        continue
    fi
    while read -r line; do
        [[ $line =~ ^#include\ \"([^\"]+)\" ]] || continue
        inc=${BASH_REMATCH[1]}
        case $inc in
        kwhpos/*.h)
            b=${inc##*/}
            b=${b%.h}
            hl=${owner[$b]:-}
            if [ -z "$hl" ]; then
                bad "$f includes \"$inc\", a header check-layers does not know"
            elif [[ " ${below[$layer]} " != *" $hl "* ]]; then
                bad "$f ($layer) includes \"$inc\" ($hl): a layer includes only the layers under it"
            elif [[ $inc =~ $driver ]] && [[ $driver_ok != *" $layer "* ]]; then
                bad "$f ($layer) includes the card driver's \"$inc\": devices are reached through the core"
            elif [[ $f == include/* ]] && [ "$hl" != "$layer" ] &&
                [[ " ${below[$layer]} " != *" $hl "* ]]; then
                bad "$f includes \"$inc\""
            fi
            ;;
        *.h)
            if [[ $f == include/* ]]; then
                bad "$f includes the private header \"$inc\""
            elif ! private_ok "$layer" "$inc" && [[ $inc == */* ]]; then
                bad "$f ($layer) includes \"$inc\", another layer's private header"
            fi
            ;;
        esac
    done <"$f"
done

# --- 2. each file includes what it uses ---------------------------------------------------
# A file that calls into another layer names that layer's header itself: no header of
# its own hides that a screen calls the core. The functions and tables a header
# declares: prototypes and extern objects that start a line (the headers are formatted
# so). The foundation every header brings (errors, text helpers, the model's records and
# names) is not counted.
uses=$({
    # the declarations: "name header layer kind" (kind f: a function, o: a table)
    for h in include/kwhpos/*.h src/store/store.h src/store/store_query.h src/store/store_invoice.h; do
        [ -f "$h" ] || continue
        b=${h##*/}
        case ${b%.h} in err | util | model | cardio) continue ;; esac
        case $h in include/*) inc="kwhpos/$b" ;; *) inc=${h#src/} ;; esac
        layer_of "$h"
        hl=$layer
        sed -n -E 's/^(const |unsigned |struct [a-z_0-9]+ |enum [a-z_0-9]+ |[a-z_0-9]+ )+\**([a-z_][a-z0-9_]*)\(.*/\2/p' "$h" |
            grep -vE '^(int|void|bool|char|const|struct|enum|typedef)$' |
            sed "s|\$| $inc $hl f|"
        sed -n -E 's/^extern (const )?[a-z_0-9 *]+[ *]([a-z_][a-z0-9_]*)(\[.*)?;.*/\2/p' "$h" |
            sed "s|\$| $inc $hl o|"
    done
    echo "--"
    # the sources: "file layer" then its lines
    for f in $(git ls-files 'src/*.c' 2>/dev/null || find src -name '*.c'); do
        [ -f "$f" ] || continue
        layer_of "$f"
        echo "@@ $f $layer"
        cat "$f"
    done
} | awk '
    !done_decl && $0 == "--" { done_decl = 1; next }
    !done_decl { hdr[$1] = $2; lay[$1] = $3; kind[$1] = $4; next }
    /^@@ / { file = $2; layer = $3; delete inc; delete said; next }
    /^#include "/ { h = $2; gsub(/"/, "", h); inc[h] = 1; next }
    /^[ \t]*(\/\/|\*|\/\*)/ { next }
    {
        line = $0
        while (match(line, /[a-z_][a-z0-9_]*[ ]*\(?/)) {
            tok = substr(line, RSTART, RLENGTH)
            line = substr(line, RSTART + RLENGTH)
            call = tok ~ /\($/
            name = tok
            gsub(/[ (]/, "", name)
            if (!(name in hdr) || lay[name] == layer || (hdr[name] in inc)) continue
            if (kind[name] == "f" && !call) continue
            key = hdr[name]
            if (key in said) continue
            said[key] = 1
            printf "layers: %s uses %s of \"%s\" without including it\n", file, name, key
        }
    }')
if [ -n "$uses" ]; then
    echo "$uses"
    fail=1
fi

# --- 3. system headers and SQL ----------------------------------------------------------------
sysonly() { # pattern layer-regex what
    local f
    for f in $(grep -rlE "#include <($1)" src); do
        [[ $f =~ $2 ]] || bad "$f includes <$(grep -oE "#include <($1)[^>]*" "$f" | head -1 | sed 's/#include <//')>: $3"
    done
}
sysonly 'n?curses|ncursesw/|form\.h|menu\.h|panel\.h' '^src/ui/' 'the screen is src/ui'\''s'
sysonly 'cups/|pango|cairo' '^src/print/module/' 'printing devices are src/print/module'\''s'
sysonly 'libserialport' '^src/card/' 'serial ports are src/card'\''s'
sysonly 'winscard|pcsclite' '^src/card/' 'PC/SC readers are src/card'\''s'
sysonly 'sqlite3|libpq-fe' '^src/store/' 'the database is src/store'\''s'
sysonly 'iniparser' '^src/config/' 'the INI file is src/config'\''s'
# one grep per rule over every file outside src/store (in file order, as before)
nonstore=$(git ls-files 'src/*.c' 2>/dev/null || find src -name '*.c')
nonstore=$(printf '%s\n' $nonstore | grep -v '^src/store/')
if [ -n "$nonstore" ]; then
    while read -r f; do
        [ -n "$f" ] && bad "$f uses SQLite outside src/store"
    done < <(grep -lE '\bsqlite3_|#include <sqlite3\.h>' $nonstore)
    while read -r f; do
        [ -n "$f" ] && bad "$f uses libpq outside src/store"
    done < <(grep -lE '\bPQ[a-z]+\(|#include <libpq-fe\.h>' $nonstore)
    while read -r f; do
        [ -n "$f" ] && bad "$f has SQL outside src/store"
    done < <(grep -liE '"(SELECT|INSERT INTO|UPDATE [a-z_]+ SET|DELETE FROM) ' $nonstore)
fi

[ $fail = 0 ] && echo "layers: ok"
exit $fail
