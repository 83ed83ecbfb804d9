/* SPDX-License-Identifier: Apache-2.0 */
/* `kwhpos check`: everything that can be verified without a card. */
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "kwhpos/data.h"
#include "store/store.h"
#include "store/store_query.h"

int check_all(struct kwh_core *c, struct kwh_check *out, struct kwh_err *e)
{
    struct kwh_sale *pending;
    size_t n;
    int rc;

    memset(out, 0, sizeof *out);
    if ((rc = store_integrity(c->db, &out->integrity_ok, out->integrity, sizeof out->integrity,
                              e)) < 0)
        return rc;
    if (!out->integrity_ok) {
        /* no card is written from now on, on any terminal (guard.c) */
        core_note_damage(c, "kwhpos check", out->integrity);
        return 0; /* the rest reads a damaged file: its answers would mislead */
    }
    /* a whole check that passes lifts an earlier failure */
    core_clear_damage_at(store_path(c->db));
    if ((rc = audit_verify(c, &out->audit_records, &out->audit_first_bad, e)) < 0)
        return rc;
    out->audit_ok = out->audit_first_bad == 0;
    if ((rc = store_sales_sum_verify(c->db, &out->sums_ok, e)) < 0)
        return rc;
    if ((rc = settle_pending(c, &pending, &n, e)) < 0)
        return rc;
    free(pending);
    out->pending = (int64_t)n;
    /* anchored only when the chain verifies: an anchor vouches for what it saw */
    if (out->audit_ok && (rc = audit_anchor(c, "check", &out->anchor, e)) < 0)
        return rc;
    return 0;
}
