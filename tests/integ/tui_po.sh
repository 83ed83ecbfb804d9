#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# kwh-run: once
# Every message the UI shows — its own and the error messages of the layers under it —
# is in po/kwhpos.pot and translated in po/zh_CN.po.
. "$(dirname "$0")/lib.sh"

cd "$KWH_TOP" || exit 1
. tools/po-sources.sh
# shellcheck disable=SC2086
xgettext $XGETTEXT_OPTS -o "$T/now.pot" $PO_SOURCES
ok "zh_CN.po covers every message" msgcmp po/zh_CN.po "$T/now.pot"
ok "kwhpos.pot is up to date" msgcmp --use-untranslated po/kwhpos.pot "$T/now.pot"
stats=$(msgfmt --check --statistics -o "$T/zh.mo" po/zh_CN.po 2>&1)
like "zh_CN.po compiles with every message translated" "$stats" '^[0-9]+ translated messages\.$'
done_testing
