#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# kwh-run: once
# The layering rules of docs/architecture.md hold in the source tree, and the check
# catches each kind of breach: planted one at a time in a scratch copy of the tree.
. "$(dirname "$0")/lib.sh"

CHECK=$KWH_TOP/tools/check-layers.sh
ok "each layer includes only the layers under it, and what it uses; SQL only in src/store" \
    "$CHECK" "$KWH_TOP"

scratch=$T/tree
fresh() {
    rm -rf "$scratch"
    mkdir -p "$scratch"
    (cd "$KWH_TOP" && git ls-files src include tools | cpio -pdm --quiet "$scratch" 2>/dev/null) ||
        cp -r "$KWH_TOP/src" "$KWH_TOP/include" "$KWH_TOP/tools" "$scratch/"
}
# plant NAME FILE LINE WANT: adds LINE after the first line of FILE in a fresh copy; the
# check must fail and say WANT
plant() {
    local name=$1 file=$2 line=$3 want=$4 out rc
    fresh
    sed -i "1a $line" "$scratch/$file"
    out=$("$CHECK" "$scratch" 2>&1); rc=$?
    is "$name: the check fails" "$rc" 1
    like "$name: it names the breach" "$out" "$want"
}

fresh
is "the scratch copy itself passes" "$("$CHECK" "$scratch" 2>&1)" "layers: ok"

plant "a screen including the store" src/ui/sell.c '#include "store/store.h"' \
    'src/ui/sell.c \(ui\) includes "store/store.h", another layer.s private header'
plant "a command including a screen's widgets" src/cli/vend.c '#include "ui/widgets.h"' \
    'src/cli/vend.c \(cli\) includes "ui/widgets.h"'
plant "a screen reaching a reader driver" src/ui/settings_comm.c '#include "kwhpos/serial.h"' \
    'settings_comm.c \(ui\) includes the card driver.s "kwhpos/serial.h"'
plant "the card layer calling the core" src/card/image.c '#include "kwhpos/core.h"' \
    'src/card/image.c \(card\) includes "kwhpos/core.h" \(core\)'
plant "the store calling the core" src/store/customers.c '#include "kwhpos/plan.h"' \
    'customers.c \(store\) includes "kwhpos/plan.h"'
plant "the simulator using the database" src/sim/meter.c '#include "store/store.h"' \
    'src/sim/meter.c \(sim\) includes "store/store.h"'
plant "the simulator calling the core" src/sim/simcard.c '#include "kwhpos/core.h"' \
    'simcard.c \(sim\) includes "kwhpos/core.h"'
plant "a public header including a layer above it" include/kwhpos/card.h '#include "kwhpos/core.h"' \
    'include/kwhpos/card.h \(card\) includes "kwhpos/core.h"'
plant "a public header including a private one" include/kwhpos/plan.h '#include "core/internal.h"' \
    'include/kwhpos/plan.h includes the private header "core/internal.h"'
plant "main.c reaching the database" src/main.c '#include "store/sql.h"' \
    'src/main.c \(main\) includes "store/sql.h"'
plant "the print layer calling the core" src/print/receipt.c '#include "kwhpos/invoice.h"' \
    'receipt.c \(print\) includes "kwhpos/invoice.h"'
plant "curses outside the screens" src/core/rules.c '#include <curses.h>' \
    'src/core/rules.c includes <curses.h>'
plant "SQLite outside the store" src/cli/report.c '#include <sqlite3.h>' \
    'src/cli/report.c includes <sqlite3.h>'
plant "SQL outside the store" src/core/tariff.c 'static const char *q = "SELECT id FROM tariffs";' \
    'src/core/tariff.c has SQL outside src/store'

# a screen that calls the core without naming its header (an umbrella hides it)
fresh
sed -i '/#include "kwhpos\/plan.h"/d' "$scratch/src/ui/sell.c"
out=$("$CHECK" "$scratch" 2>&1); rc=$?
is "a screen calling plans without including plan.h: the check fails" "$rc" 1
like "it names the functions and the header" "$out" \
    'src/ui/sell.c uses (sale_plan|sale_room|kwh_sale_room) of "kwhpos/plan.h" without including it'
done_testing
