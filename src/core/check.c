/* SPDX-License-Identifier: Apache-2.0 */
/* `kwhpos check`: everything that can be verified without a card. */
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "kwhpos/data.h"
#include "kwhpos/store_query.h"

int check_all(struct kwh_core *c, struct kwh_check *out, struct kwh_err *e)
{
    struct kwh_sale *pending;
    size_t n;
    int rc;

    memset(out, 0, sizeof *out);
    if ((rc = store_integrity(c->db, &out->integrity_ok, out->integrity, sizeof out->integrity,
                              e)) < 0)
        return rc;
    if (!out->integrity_ok)
        return 0; /* the rest reads a damaged file: its answers would mislead */
    if ((rc = audit_verify(c, &out->audit_records, &out->audit_first_bad, e)) < 0)
        return rc;
    out->audit_ok = out->audit_first_bad == 0;
    if ((rc = store_sales_sum_verify(c->db, &out->sums_ok, e)) < 0)
        return rc;
    if ((rc = vend_pending(c, &pending, &n, e)) < 0)
        return rc;
    free(pending);
    out->pending = (int64_t)n;
    return 0;
}
