/* SPDX-License-Identifier: Apache-2.0 */
/* Reports that need no query screen: the total balance (M26). */
#include <stdlib.h>

#include "core/internal.h"
#include "kwhpos/oversight.h"
#include "kwhpos/units.h"
#include "store/store.h"

int report_balance(struct kwh_core *c, const struct kwh_session *s, struct kwh_balance *out,
                   struct kwh_err *e)
{
    struct store_total *t;
    int64_t scope_op;
    size_t n;
    int rc;

    *out = (struct kwh_balance){0};
    if ((rc = need_operator(s, e)) < 0 || (rc = scope_of(c, s, &scope_op, e)) < 0)
        return rc;
    if (scope_op != 0) {
        /* an operator limited to areas: the balance of those (their root areas' subtrees) */
        struct kwh_area_row *rows;
        struct kwh_period none = {0, 1}; /* no sales: only the balance */
        size_t nr;
        if ((rc = report_areas(c, s, &none, &rows, &nr, e)) < 0)
            return rc;
        for (size_t i = 0; i < nr; i++) {
            bool top = true;
            for (size_t j = 0; j < i; j++)
                top &= rows[j].area.id != rows[i].area.parent_id;
            if (!top)
                continue; /* inside an area already counted */
            out->accounts += rows[i].accounts;
            out->balance_ckwh += rows[i].balance_ckwh;
            out->balance_fen += rows[i].balance_fen;
        }
        free(rows);
        return 0;
    }
    if ((rc = store_totals(c->db, core_now(c), &t, &n, e)) < 0)
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
