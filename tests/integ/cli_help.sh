#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# kwhpos help COMMAND for every command: each option with its value and meaning, an
# example, the exit codes (src/cli/help.c must have an entry for every command and
# option of the command tables, so a new one without help fails here); options parsed
# by getopt_long: --opt=value, -cFILE, --config=FILE, a unique prefix.
. "$(dirname "$0")/lib.sh"

missing=
while read -r cmd; do
    # shellcheck disable=SC2086
    h=$("$KWHPOS" -c /dev/null help $cmd 2>&1) || missing="$missing [$cmd: exit $?]"
    grep -q '^example:$' <<<"$h" || missing="$missing [$cmd: no example]"
    grep -q '^exit codes:$' <<<"$h" || missing="$missing [$cmd: no exit codes]"
    # an option line is "  --key VALUE   meaning", or the meaning on the next line
    while IFS= read -r line; do
        opt=$(sed -E 's/^  (--[a-z-]+).*/\1/' <<<"$line")
        text=$(sed -E 's/^  --[a-z-]+( [^ ]+)? +//' <<<"$line")
        if [ "$text" = "$line" ] || [ -z "$text" ]; then
            next=$(grep -A1 -F -- "$line" <<<"$h" | sed -n 2p)
            [[ $next =~ ^\ {20,}[^\ ] ]] || missing="$missing [$cmd $opt: no meaning]"
        fi
    done < <(grep -E '^  --[a-z]' <<<"$h")
done < <("$KWHPOS" -c /dev/null --help | awk '/^[^ ].*:$/ {s++; next} s == 2 && /^  / {print substr($0, 3, 22)}' | sed 's/ *$//')
is "every command has its options' meanings, an example and exit codes" "$missing" ""
like "help sell names the values of --pay" "$("$KWHPOS" help sell)" "--pay cash\|wechat\|alipay\|card\|other"
like "the exit code 9 of a printing sale" "$("$KWHPOS" help sell)" "  9  not printed"
like "and in Chinese (LANGUAGE=zh_CN; LC_ALL would win over LANG)" "$(LANGUAGE=zh_CN "$KWHPOS" help sell)" "退出码："

"$KWHPOS" --db "$T/s.db" init --area 123456 >/dev/null
printf '[database]\npath = %s\n' "$T/s.db" >"$T/k.ini"
like "-cFILE" "$("$KWHPOS" -c"$T/k.ini" settings show)" "area_code: 123456"
like "--config=FILE --db=PATH" "$("$KWHPOS" --config="$T/k.ini" --db="$T/s.db" settings show)" "area_code: 123456"
like "--dir=DIR --keep=N" "$("$KWHPOS" -c "$T/k.ini" backup --dir="$T/bk" --keep=2)" "^backup $T/bk/"
like "a unique prefix (--if for --if-due)" "$("$KWHPOS" -c "$T/k.ini" backup --dir "$T/bk" --if; echo rc=$?)" "^rc=0$"
out=$("$KWHPOS" -c "$T/k.ini" backup --frob=1 2>&1); rc=$?
is "an unknown --opt=value is a usage error" "$rc" 2
like "naming it" "$out" "unknown option --frob"
out=$("$KWHPOS" -c "$T/k.ini" backup --dir 2>&1); rc=$?
is "a missing value is a usage error" "$rc:$out" "2:kwhpos: backup: --dir needs a value"
done_testing
