#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# bench-tiers BUILD_DIR: a tiered sale commits in the same time as a flat one. The same
# core sale as bench-card's (read the card, plan, commit: the card write, its read-back
# and the database) against kwhsim --card-timing at 115200 baud, on a flat tariff and on
# Zhejiang's residential ladder with every sale crossing from the first tier into the
# second (tests/tools/benchsale.c --tariff zhejiang; the flat account is opened with the
# same 2755 kWh, --tariff flat2755, so both cards change the same bytes): RUNS rounds (BENCH_RUNS, default 5)
# of three sales on a fresh site and card, alternating flat and tiered rounds so the
# machine's load falls on both.
# Prints each sale and the medians of the plan (the pricing: tier split, fees) and of
# the commit, and their ratio tiered / flat.
# Goal: the tiered commit's median at most 1.1 x the flat one's (docs/performance.md).
set -u
B=${1:-build}
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
KWHSIM=$B/kwhsim
T=$(mktemp -d "${TMPDIR:-/tmp}/kwhtiers.XXXXXX")
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done; rm -rf "$T"; }
trap cleanup EXIT
runs=${BENCH_RUNS:-5}
baud=115200
PW=bench-pass-1

# start TARIFF: a simulator in $T/TARIFF
start() {
    local D=$T/$1
    mkdir -p "$D"
    "$KWHSIM" --dir "$D" serve --baud "$baud" --card-timing 2>"$D/serve.log" &
    pids+=($!)
    for _ in $(seq 100); do [ -S "$D/control.sock" ] && [ -e "$D/reader" ] && break; sleep 0.05; done
}

# sale TARIFF ROUND: a fresh site, card and meter, an account opened on them (not timed),
# three timed sales, appended to $T/TARIFF.rows
sale() {
    local D=$T/$1 S="$KWHSIM --dir $T/$1" db=$T/$1/site$2.db m=$((12345600 + $2)) out
    $S eject >/dev/null 2>&1
    $S new-meter "$m" >/dev/null && $S new-card "c$2" >/dev/null && $S insert "c$2" >/dev/null &&
        "$B/kwhpos" --db "$db" init --area 123456 >/dev/null &&
        printf '1\n%s\n%s\n' "$PW" "$PW" | "$B/kwhpos" --db "$db" --user system operator passwd >/dev/null ||
        { echo "bench-tiers: site set-up failed" >&2; exit 1; }
    out=$(printf '%s\n' "$PW" | "$B/tests/tools/benchsale" --db "$db" --port "$D/reader" \
        --baud "$baud" --meter "$m" --runs 3 --tariff "$([ "$1" = flat ] && echo flat2755 || echo "$1")" \
        --between "$S eject >/dev/null && $S meter-insert $m c$2 >/dev/null && $S insert c$2 >/dev/null") ||
        { echo "bench-tiers: $1 sale failed" >&2; exit 1; }
    printf '%s\n' "$out" >>"$T/$1.rows"
}

start flat
start zhejiang
for r in $(seq "$runs"); do
    sale flat "$r"
    sale zhejiang "$r"
done

med() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
field() { sed -E "s/.*$2=([0-9]+).*/\1/" "$T/$1.rows"; }
printf '%-9s %5s %6s %8s %10s %10s %12s\n' tariff sales tiers eeprom wall_ms plan_ms commit_ms
for t in flat zhejiang; do
    n=$(wc -l <"$T/$t.rows")
    tiers=$(field "$t" tiers | sort -u | tr '\n' ' ')
    w=$(field "$t" wall_us | med) p=$(field "$t" plan_us | med) c=$(field "$t" commit_us | med)
    wr=$(field "$t" written | med)
    printf '%-9s %5s %6s %8s %10.1f %10.3f %12.1f\n' "$t" "$n" "$tiers" "$wr" \
        "$(awk -v x="$w" 'BEGIN { print x / 1000 }')" "$(awk -v x="$p" 'BEGIN { print x / 1000 }')" \
        "$(awk -v x="$c" 'BEGIN { print x / 1000 }')"
    eval "c_$t=$c p_$t=$p"
done
# every tiered sale crossed a tier (2 tier lines), every flat one had none
if field zhejiang tiers | grep -qv '^2$' || field flat tiers | grep -qv '^0$'; then
    echo "bench-tiers: a tiered sale did not cross a tier, or a flat one had tiers" >&2
    exit 1
fi
ratio=$(awk -v a="$c_zhejiang" -v b="$c_flat" 'BEGIN { printf "%.3f", a / b }')
pratio=$(awk -v a="$p_zhejiang" -v b="$p_flat" 'BEGIN { printf "%.2f", a / b }')
echo "bench-tiers: median commit tiered / flat = $ratio (plan: $pratio)"
if awk -v r="$ratio" 'BEGIN { exit !(r <= 1.1) }'; then
    echo "bench-tiers: the tiered commit is within 1.1 x the flat one: goal met"
else
    echo "bench-tiers: the tiered commit is more than 1.1 x the flat one: goal missed"
    exit 1
fi
