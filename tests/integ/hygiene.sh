#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# kwh-run: once
# Rules of the tree that no compiler checks: every source file names its licence
# (SPDX-License-Identifier: Apache-2.0 in its first three lines: every tracked .c, .h,
# .sh and Makefile, so a file added later without it fails here); the programs never
# write the INI (only the station file: config_station_save); no path of the build
# tree is compiled in; the variables that name files to load are read through
# priv_getenv (ignored by the setgid program).
. "$(dirname "$0")/lib.sh"
cd "$KWH_TOP" || exit 1

missing=$(git ls-files '*.c' '*.h' '*.sh' 'Makefile' '*/Makefile' | while read -r f; do
    head -n 3 "$f" | grep -q 'SPDX-License-Identifier: Apache-2.0' || echo "$f"
done)
is "every .c, .h, .sh and Makefile has the SPDX line" "$missing" ""
ok "there is a LICENSE with the Apache License 2.0" grep -q "Apache License" LICENSE
ok "and a machine-readable debian/copyright" grep -q "^Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/" packaging/debian/copyright

is "no program writes the INI (config_save only in src/config and the tests)" \
    "$(git grep -l 'config_save(' -- 'src/*.c' | grep -v '^src/config/config.c$')" ""
is "no build path compiled in (KWH_LOCALEDIR, KWH_PRINT_MODULE, \$(abspath ...) in -D)" \
    "$(git grep -nE 'KWH_LOCALEDIR|KWH_PRINT_MODULE\b|-D[A-Z_]+=.*\$\(abspath' -- Makefile 'src/*' 'include/*')" ""
is "file and program variables only through priv_getenv" \
    "$(git grep -nE 'getenv\("(KWHPOS_PRINT_MODULE|KWHPOS_LOCALEDIR|KWHSIM|KWHPOS_LOG_FILE)"\)' -- 'src/*.c' | grep -v priv_getenv)" ""
is "every child program gives the group up before exec" \
    "$(for f in $(git grep -lE '\bexec(v|l)p?e?\(' -- 'src/*.c' | grep -v '^src/sim/'); do grep -q priv_drop_for_exec "$f" || echo "$f"; done)" ""
done_testing
