#!/bin/bash
# Every message of the UI is in po/kwhpos.pot and translated in po/zh_CN.po.
. "$(dirname "$0")/lib.sh"

cd "$KWH_TOP" || exit 1
xgettext --from-code=UTF-8 -k_ -kN_ --package-name=kwhpos -o "$T/now.pot" src/ui/*.c
ok "zh_CN.po covers every message of src/ui" msgcmp po/zh_CN.po "$T/now.pot"
ok "kwhpos.pot is up to date" msgcmp --use-untranslated po/kwhpos.pot "$T/now.pot"
stats=$(msgfmt --check --statistics -o "$T/zh.mo" po/zh_CN.po 2>&1)
like "zh_CN.po compiles with every message translated" "$stats" '^[0-9]+ translated messages\.$'
done_testing
