#!/bin/sh
# tools/update-po.sh — regenerate po/kwhpos.pot from the sources and merge it into every
# po/*.po. Then translate what msgmerge marks new or fuzzy (tests/integ/tui_po.sh fails
# while any message is untranslated or fuzzy).
set -eu
cd "$(dirname "$0")/.."
xgettext --from-code=UTF-8 -k_ -kN_ --package-name=kwhpos --package-version=0.1.0 \
    --msgid-bugs-address=- -o po/kwhpos.pot src/ui/*.c
for po in po/*.po; do
    msgmerge --quiet --update --backup=none "$po" po/kwhpos.pot
done
