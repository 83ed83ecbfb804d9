#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Text columns are laid out by glibc's wcwidth, as the terminal draws them: a Tibetan
# name (vowel signs and subjoined letters take no column), a Chinese one (two columns a
# character) and an ASCII one leave the columns after them in the same place.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cli_lib.sh"
cli_site
printf 'name,meter,tariff\n' >"$T/names.csv"
printf 'བཀྲ་ཤིས་,20240001,1\n张三丰,20240002,1\nTom,20240003,1\n' >>"$T/names.csv"
admin import customers "$T/names.csv" >/dev/null
out=$(clerk query customers)
# the display column where each row's meter number starts, counted as a terminal
# counts (combining marks 0, East Asian wide 2, else 1) by Python, not by kwhpos
cols=$(printf '%s\n' "$out" | python3 -c '
import sys, unicodedata
def width(s):
    return sum(0 if unicodedata.combining(c) or unicodedata.category(c) in ("Mn", "Me")
               else 2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in s)
for line in sys.stdin:
    i = line.find("2024000")
    if i >= 0:
        print(width(line[:i]))')
is "three rows with a meter number" "$(printf '%s\n' "$cols" | wc -l)" 3
is "the meter column starts at the same place on every row" "$(printf '%s\n' "$cols" | sort -u | wc -l)" 1
like "the Tibetan name is whole" "$out" "བཀྲ་ཤིས་ "
done_testing
