#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# kwh-run: once
# The layering rules of docs/architecture.md hold in the source tree.
. "$(dirname "$0")/lib.sh"
ok "each layer includes only the layers under it; SQL only in src/store" \
    "$KWH_TOP/tools/check-layers.sh"
done_testing
