#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# tools/man-commands.sh KWHPOS [LANG]: the COMMANDS section of kwhpos(1) as scdoc,
# from the program's own help (`kwhpos --help`, `kwhpos help CMD`), so the manual
# lists every command and option the program has. LANG zh_CN: in Chinese.
set -euo pipefail
K=$1
lang=${2:-en}
export LC_ALL=C.UTF-8 LANGUAGE= LANG=
exits="Exit codes:"
if [ "$lang" = zh_CN ]; then export LANGUAGE=zh_CN; exits="退出码："; fi
run() { env -u KWHPOS_CONFIG "$K" -c /dev/null "$@"; }
# scdoc marks *bold* and _underline_; a backslash escapes them
esc() { sed -e 's/\\/\\\\/g' -e 's/\*/\\*/g' -e 's/_/\\_/g'; }
# the command names from the English list (the same in every language)
LANGUAGE=en run --help | awk '/^[^ ].*:$/ {s++; next} s == 2 && /^  / {print substr($0, 3, 22)}' |
    sed 's/ *$//' | while read -r cmd; do
    # shellcheck disable=SC2086
    run help $cmd | awk -v exits="$exits" -v esc_cmd="$(printf '%s' "$cmd" | esc)" '
        function esc(t) { gsub(/\\/, "\\\\", t); gsub(/\*/, "\\*", t); gsub(/_/, "\\_", t); return t }
        NR == 1 { sub(/^[^ ]+ kwhpos [^ ]+( [^ -][^ ]*)?/, ""); usage = $0
                  # the usage line repeats the name after "kwhpos"
                  next }
        NR == 2 { sub(/^  /, ""); summary = $0; next }
        /^$/ || /^[^ ]/ { next }
        /^  --/ {
            line = substr($0, 3)
            if (length(line) > 24 && substr(line, 25, 1) == " ") {
                opt = substr(line, 1, 24); text = substr(line, 26)
            } else { opt = line; text = "" }
            sub(/ +$/, "", opt)
            n = split(opt, w, " "); o = "*" esc(w[1]) "*"
            for (i = 2; i <= n; i++) o = o " _" esc(w[i]) "_"
            opts[++no] = o; texts[no] = text; next }
        /^   +[^ ]/ { sub(/^ +/, ""); texts[no] = $0; next }
        /^  [0-9]+  / { codes = codes (codes ? ", " : "") $1; next }
        /^  [^ ]/ { sub(/^  /, ""); example = $0; next }
        END {
            printf "*kwhpos %s*%s\n", esc_cmd, esc(usage)
            printf "\t%s\n\n", esc(summary)
            for (i = 1; i <= no; i++) printf "\t%s\n\t\t%s\n\n", opts[i], esc(texts[i])
            if (example != "") printf "\t*$* %s\n\n", esc(example)
            printf "\t%s %s\n\n", exits, codes
        }'
done
