#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# tools/make-deb.sh [OUT]: the Debian packages kwhpos, kwhpos-print and kwhpos-sim,
# built with debhelper (dpkg-buildpackage -b) from packaging/debian/ in a copy of the
# tracked files, into OUT (default build/deb). The version is the Makefile's VERSION;
# packaging/debian/changelog must have an entry for it.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
out=$(mkdir -p "${1:-build/deb}" && cd "${1:-build/deb}" && pwd)
ver=$(make -s --no-print-directory version)
chver=$(dpkg-parsechangelog -l packaging/debian/changelog -S Version)
if [ "$ver" != "$chver" ]; then
    echo "make-deb: the Makefile says version $ver, packaging/debian/changelog $chver:" \
        "add a changelog entry (dch -c packaging/debian/changelog -v $ver)" >&2
    exit 1
fi
src=$out/src/kwhpos-$ver
rm -rf "$out/src"
mkdir -p "$src"
git ls-files -z | xargs -0 cp --parents -t "$src"
cp -r packaging/debian "$src/debian"
# the files' times from the last commit, so the package does not depend on the checkout
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}
(cd "$src" && DEB_BUILD_OPTIONS="parallel=$(nproc) ${DEB_BUILD_OPTIONS:-}" \
    dpkg-buildpackage -b -us -uc --no-sign >"$out/build.log" 2>&1) || {
    tail -n 40 "$out/build.log" >&2
    echo "make-deb: dpkg-buildpackage failed (whole log: $out/build.log)" >&2
    exit 1
}
rm -f "$out"/*.deb
mv "$out/src"/*.deb "$out/src"/*.buildinfo "$out/src"/*.changes "$out/"
rm -rf "$out/src"
ls "$out"/*.deb
