#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# tools/update-po.sh — regenerate po/kwhpos.pot from the sources and merge it into every
# po/*.po. Then translate what msgmerge marks new or fuzzy (tests/integ/tui_po.sh fails
# while any message is untranslated or fuzzy).
set -eu
cd "$(dirname "$0")/.."
# the UI's _() and N_(), and every error message (kwh_err_set and friends) of the layers
# the UI shows: see tests/integ/tui_po.sh, which checks the catalogue against the same
. tools/po-sources.sh
xgettext $XGETTEXT_OPTS --package-version=0.1.0 --msgid-bugs-address=- -o po/kwhpos.pot \
    $PO_SOURCES
for po in po/*.po; do
    msgmerge --quiet --update --backup=none "$po" po/kwhpos.pot
done
