#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# tools/check-layers.sh — the layering of docs/architecture.md, checked by the includes:
# each layer includes only the headers of the layers under it, SQL only in src/store,
# no curses/CUPS/serial/SQLite headers in src/core.
set -u
cd "$(dirname "$0")/.."
fail=0
bad() { echo "layers: $*"; fail=1; }

# Which project headers (include/kwhpos/X.h or layer-private dirs) each layer may use.
check() { # layer allowed-regex
    local layer=$1 allowed=$2 f inc
    for f in src/$layer/*.c src/$layer/*.h; do
        [ -f "$f" ] || continue
        while read -r inc; do
            [[ $inc =~ $allowed || $inc =~ ^[a-z_]+\.h$ ]] || bad "$f includes \"$inc\""
        done < <(grep -oE '#include "[^"]+"' "$f" | sed 's/#include "\(.*\)"/\1/')
    done
}
shared='kwhpos/(err|util|model|units|cardio|card|config)\.h'
check util "^kwhpos/(err|util|model|card|cardio|csv)\.h$"
check card "^($shared|kwhpos/(frame|reader|serial|carddev|apdu|pcsc|cardreg)\.h|card/.*)$"
check store "^($shared|kwhpos/store[a-z_]*\.h|store/.*)$"
check config "^($shared)$"
check print "^($shared|kwhpos/print\.h|print/.*)$"
check core "^($shared|kwhpos/(core|store[a-z_]*|query|data|csv|invoice|cardreg)\.h|core/.*)$"
check app "^($shared|kwhpos/(core|invoice|print|printer)\.h|app/.*)$"
check sim "^($shared|kwhpos/(frame|reader|serial|carddev|apdu|pcsc)\.h|sim/.*)$"
# the screens reach devices through the core, never a driver's header
for f in src/ui/*.c src/ui/*.h; do
    grep -qE '#include "kwhpos/(frame|reader|serial|carddev|apdu|pcsc|cardreg)\.h"|#include <(winscard|libserialport)' "$f" &&
        bad "$f includes a card driver header"
done

# SQL only in src/store
for f in $(git ls-files 'src/*.c' | grep -v '^src/store/'); do
    grep -qE '\bsqlite3_|#include <sqlite3\.h>' "$f" && bad "$f uses SQLite outside src/store"
    grep -qE '\bPQ[a-z]+\(|#include <libpq-fe\.h>' "$f" && bad "$f uses libpq outside src/store"
done
# no device, screen or printer headers in core
for f in src/core/*.c src/core/*.h; do
    grep -qE '#include <(n?curses|ncursesw/|form\.h|menu\.h|panel\.h|cups/|libserialport|winscard|sqlite3|libpq-fe|iniparser)' "$f" &&
        bad "$f includes a device/screen/database header"
done
[ $fail = 0 ] && echo "layers: ok"
exit $fail
