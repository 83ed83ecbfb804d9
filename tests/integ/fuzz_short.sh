#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# kwh-run: once
# A short run of every libFuzzer target (built by `make check` into build/fuzz), each
# on a scratch copy of its seeds. A missing target binary fails: `make check` builds
# them with clang; run `make fuzz-build-if-clang` after a plain `make test`. The seed
# is fixed so that every run tries the same inputs (set FUZZ_SHORT_SEED=0 for a random
# one); `make fuzz` is the long, exploring run.
. "$(dirname "$0")/lib.sh"

secs=${FUZZ_SHORT_TIME:-5}
seed=${FUZZ_SHORT_SEED:-1}
for src in "$KWH_TOP"/tests/fuzz/fuzz_*.c; do
    [ -f "$src" ] || continue
    name=$(basename "$src" .c)
    bin=$KWH_TOP/build/fuzz/$name
    if [ ! -x "$bin" ]; then
        _t_result 1 "$name is built" "no $bin: build it with make fuzz-build-if-clang (clang)"
        continue
    fi
    corpus=$T/corpus-$name
    mkdir -p "$corpus"
    [ -d "$KWH_TOP/tests/fuzz/seeds/$name" ] && cp "$KWH_TOP/tests/fuzz/seeds/$name"/* "$corpus"/ 2>/dev/null
    "$bin" -seed="$seed" -max_total_time="$secs" -timeout=10 -rss_limit_mb=1024 -print_final_stats=1 \
        -artifact_prefix="$T/" "$corpus" >"$T/$name.log" 2>&1
    rc=$?
    runs=$(grep -oE '^stat::number_of_executed_units: *[0-9]+' "$T/$name.log" | grep -oE '[0-9]+$')
    _t_result $rc "$name runs ${secs}s without a finding (${runs:-0} inputs)" "$(tail -n 30 "$T/$name.log")"
    ok "$name executed inputs" test "${runs:-0}" -gt 100
done
ok "at least one fuzz target exists" compgen -G "$KWH_TOP/tests/fuzz/fuzz_*.c"
done_testing
