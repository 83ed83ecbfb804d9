#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# kwh-run: once
# kwh-limit: 1200
# The Debian packages: `make deb` builds kwhpos, kwhpos-print and kwhpos-sim with
# debhelper, at the Makefile's version (which packaging/debian/changelog names);
# lintian finds no error or warning and no override unused; the program holds no path
# of the tree it was built in; two builds in two folders give the same bytes
# (reproducible). Installing them: make check-deb (tests/deb/check-deb.sh).
. "$(dirname "$0")/lib.sh"
cd "$KWH_TOP" || exit 1

ver=$(make -s --no-print-directory version)
is "packaging/debian/changelog's version is the Makefile's" \
    "$(dpkg-parsechangelog -l packaging/debian/changelog -S Version)" "$ver"
arch=$(dpkg --print-architecture)
ok "make deb builds the packages" tools/make-deb.sh "$T/one"
for p in kwhpos kwhpos-print kwhpos-sim; do
    ok "$p ${ver} is built" test -s "$T/one/${p}_${ver}_${arch}.deb"
done
out=$(lintian -I --tag-display-limit 0 "$T"/one/*.changes 2>&1 | grep -v 'root privileges')
is "lintian: no error, warning, information or unused override" "$out" ""

x=$T/x
dpkg-deb -x "$T/one/kwhpos_${ver}_${arch}.deb" "$x"
unlike "the program names no folder of the build" "$(strings "$x/usr/bin/kwhpos")" "$T|$KWH_TOP|/build/"
is "the package ships kwhpos without setgid (postinst sets it)" "$(stat -c %a "$x/usr/bin/kwhpos")" 755
is "the INI is 0644 (it holds no secret)" "$(stat -c %a "$x/etc/kwhpos/kwhpos.ini")" 644
unlike "the base package has no CUPS or Pango" "$(dpkg-deb -f "$T/one/kwhpos_${ver}_${arch}.deb" Depends)" "cups|pango|cairo"
like "it recommends the printing module" "$(dpkg-deb -f "$T/one/kwhpos_${ver}_${arch}.deb" Recommends)" "kwhpos-print"
like "the module depends on CUPS and Pango" "$(dpkg-deb -f "$T/one/kwhpos-print_${ver}_${arch}.deb" Depends)" "libcups2.*libpango|libpango.*libcups2"

ok "a second build in another folder" tools/make-deb.sh "$T/two"
for p in kwhpos kwhpos-print kwhpos-sim; do
    is "$p is the same bytes (reproducible)" \
        "$(sha256sum <"$T/two/${p}_${ver}_${arch}.deb")" "$(sha256sum <"$T/one/${p}_${ver}_${arch}.deb")"
done
done_testing
