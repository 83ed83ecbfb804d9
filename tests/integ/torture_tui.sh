#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# make check's fixed slice of `make torture`'s TUI trials (tests/torture/torture.sh):
# the opening, daily sale, re-sale and reissue screens filled in kwhpos's TUI in a
# private tmux server, Enter on the confirmation panel and kill -9 of kwhpos at a
# random moment of the card write; then the terminal is checked (what is typed shows and
# runs), the clerk reads the card again in a new TUI in that terminal or at the command
# line, and the oracle of every trial (the ledger, the card, the meter, kwhpos check,
# integrity_check). Each of the five operations once, at 115200 baud, with seed 16.
export TORTURE_SEED=16 TORTURE_BAUDS="115200:5" TORTURE_TUI=100 TORTURE_CYCLE=1
export TORTURE_KINDS="open sell resell reissue-consumed reissue-unconsumed"
exec bash "$(dirname "$0")/../torture/torture.sh"
