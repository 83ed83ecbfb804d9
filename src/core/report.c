/* SPDX-License-Identifier: Apache-2.0 */
/* Reports that need no query screen: the total balance (M26). */
#include <stdlib.h>

#include "core/internal.h"
#include "kwhpos/units.h"
#include "store/store.h"

int report_balance(struct kwh_core *c, const struct kwh_session *s, struct kwh_balance *out,
                   struct kwh_err *e)
{
    struct store_total *t;
    size_t n;
    int rc;

    *out = (struct kwh_balance){0};
    if ((rc = need_operator(s, e)) < 0 || (rc = store_totals(c->db, &t, &n, e)) < 0)
        return rc;
    /* maintained by triggers on every account change: a handful of rows, one per tariff */
    for (size_t i = 0; i < n; i++) {
        out->accounts += t[i].accounts;
        out->balance_ckwh += t[i].balance_ckwh;
        out->balance_fen += units_amount_for_energy(t[i].balance_ckwh, t[i].price);
    }
    free(t);
    return 0;
}
