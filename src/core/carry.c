/* SPDX-License-Identifier: Apache-2.0 */
/* Arrears carried (docs/units.md, "Arrears carried to a new account"): a refunded account
 * cannot sell, so what it still owes (a 读卡退电 overdraft left unpaid, an old debt) would
 * never be recovered. When a new account on the same meter number becomes open, the
 * arrears of the closed accounts on that meter move to it, with an arrears entry on both
 * naming the other and an audit entry, and its sales recover them by the usual rules. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "kwhpos/util.h"
#include "store/store.h"

int arrears_carry_preview(struct kwh_core *c, uint32_t meter_no, int64_t *fen, uint32_t *from_no,
                          struct kwh_err *e)
{
    struct kwh_customer *old;
    size_t n;
    int rc;

    *fen = 0;
    *from_no = 0;
    if ((rc = store_arrears_on_meter(c->db, meter_no, 0, &old, &n, e)) < 0)
        return rc;
    for (size_t i = 0; i < n; i++) {
        *fen += old[i].arrears_fen;
        *from_no = old[i].customer_no; /* the latest */
    }
    free(old);
    return 0;
}

int arrears_carry_in_tx(struct kwh_core *c, struct kwh_customer *cu, int64_t operator_id,
                        int64_t now, unsigned *fields, struct kwh_err *e)
{
    struct kwh_customer *old;
    struct kwh_operator who;
    char reason[KWH_TEXT_MAX], subject[32], before[64], after[64];
    size_t n;
    int rc;

    if ((rc = store_arrears_on_meter(c->db, cu->meter.meter_no, cu->id, &old, &n, e)) < 0)
        return rc;
    if (n > 0 && (rc = store_operator_get_id(c->db, operator_id, &who, e)) < 0)
        goto out;
    for (size_t i = 0; i < n; i++) {
        struct kwh_customer *o = &old[i];
        int64_t fen = o->arrears_fen;
        snprintf(reason, sizeof reason, "carried to account %08u (opened on meter %08u)",
                 cu->customer_no, cu->meter.meter_no);
        if ((rc = store_arrears_insert(c->db, o->id, -fen, reason, operator_id, now, e)) < 0)
            goto out;
        snprintf(reason, sizeof reason, "carried from account %08u (closed, meter %08u)",
                 o->customer_no, o->meter.meter_no);
        if ((rc = store_arrears_insert(c->db, cu->id, fen, reason, operator_id, now, e)) < 0)
            goto out;
        o->arrears_fen = 0;
        if ((rc = store_customer_update(c->db, o, STORE_CU_MONEY, e)) < 0)
            goto out;
        cu->arrears_fen += fen;
        *fields |= STORE_CU_MONEY;
        snprintf(subject, sizeof subject, "account %08u", cu->customer_no);
        snprintf(before, sizeof before, "from=%08u arrears=%lld", o->customer_no, (long long)fen);
        snprintf(after, sizeof after, "to=%08u arrears=%lld", cu->customer_no,
                 (long long)cu->arrears_fen);
        if ((rc = audit_append(c, who.name, "arrears-carry", subject, before, after, e)) < 0)
            goto out;
    }
    rc = 0;
out:
    free(old);
    return rc;
}
