#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# make check's fixed slice of `make torture` (tests/torture/torture.sh): kwhpos killed
# with kill -9 at random moments of card writes, twelve trials at 115200 baud with seed
# 16 (the slow line at 1200 baud is make torture's, and reader_resync.sh's), each
# followed by the clerk's next read and the oracle (the ledger, the card, the meter,
# kwhpos check, integrity_check).
# kwhpos in the TUI is killed in torture_tui.sh.
export TORTURE_SEED=16 TORTURE_BAUDS="115200:12" TORTURE_TUI=0
exec bash "$(dirname "$0")/../torture/torture.sh"
