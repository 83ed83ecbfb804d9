# SPDX-License-Identifier: Apache-2.0
# tools/po-sources.sh — sourced: what xgettext reads and how (one definition for
# tools/update-po.sh and tests/integ/tui_po.sh).
XGETTEXT_OPTS="--from-code=UTF-8 -k_ -kN_ -kKWH_N -kKWH_NC:1c,2 -kkwh_tr -kkwh_trc:1c,2
    -kkwh_err_set:3 -kkwh_err_setd:4 -kkwh_err_prefix:2 -kperr:3
    --flag=kwh_err_set:3:c-format --flag=kwh_err_setd:4:c-format
    --flag=kwh_err_prefix:2:c-format --flag=perr:3:c-format -kcli_usage:2
    --flag=cli_usage:2:c-format --add-comments=TRANSLATORS:
    --package-name=kwhpos"
PO_SOURCES=
for f in src/ui/*.c src/core/*.c src/store/*.c src/card/*.c src/config/*.c src/print/*.c src/print/module/*.c \
    src/util/*.c src/app/*.c src/cli/*.c src/main.c; do
    if [ -f "$f" ]; then PO_SOURCES="$PO_SOURCES $f"; fi
done
