#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# make check's fixed slice of `make torture`'s concurrency part (tests/torture/sales.sh):
# 2 and 4 kwhpos processes selling six times each to customers of their own, and 2 to
# the same customer, on one database with backups and checks running meanwhile: 0 lost,
# 0 duplicated, 0 busy errors, the audit chain verifies (also while sales go on).
export TORTURE_SALES=6 TORTURE_TERMINALS="2 4" TORTURE_SAME=2
exec bash "$(dirname "$0")/../torture/sales.sh"
