/* SPDX-License-Identifier: Apache-2.0 */
/* 用户过户 (M17): the account passes to a new owner (name, address, phone); the meter,
 * the card and the balance stay; the tier period's counter starts again and the extra
 * first-tier allowance goes; refused while arrears are owed. No card needed. */
#include <stdio.h>
#include <string.h>

#include "core/plan_int.h"
#include "kwhpos/util.h"
#include "store/store.h"

int transfer_plan(struct kwh_core *c, const struct kwh_session *s, uint32_t customer_no,
                  const char *name, const char *address, const char *phone, struct kwh_plan **out,
                  struct kwh_err *e)
{
    struct kwh_customer cu;
    struct kwh_plan *p;
    int rc;

    *out = NULL;
    if ((rc = need_operator(s, e)) < 0 || (rc = rules_check_person(name, address, phone, e)) < 0)
        return rc;
    if ((p = plan_new(c, s, 0, e)) == NULL)
        return e ? e->code : KWH_ENOMEM;
    if ((rc = plan_account_by_no(c, p, customer_no, &cu, e)) < 0)
        return plan_fail(p, rc);
    if (cu.status != KWH_CUST_OPEN)
        return plan_fail(p,
                         kwh_err_set(e, KWH_ECONFLICT,
                                     "account %08u is %s: only an open account can be "
                                     "transferred",
                                     customer_no, kwh_trc("status", model_status_name(cu.status))));
    if (cu.arrears_fen > 0) {
        char owed[32];
        fixed_format(cu.arrears_fen, 2, owed, sizeof owed);
        return plan_fail(p, kwh_err_set(e, KWH_ECONFLICT,
                                        "account %08u owes %s yuan of arrears: they are the "
                                        "owner's debt; recover them with a sale or waive them "
                                        "before the transfer",
                                        customer_no, owed));
    }
    if ((rc = plan_expect_account(c, p, &cu, e)) < 0)
        return plan_fail(p, rc);
    p->has_event = true;
    p->event.kind = STORE_EV_TRANSFER;
    snprintf(p->event.before, sizeof p->event.before, "name=%s address=%s phone=%s", cu.name,
             cu.address, cu.phone);
    snprintf(p->event.after, sizeof p->event.after, "name=%s address=%s phone=%s", name, address,
             phone);
    p->cu_after = cu;
    str_copy(p->cu_after.name, sizeof p->cu_after.name, name);
    str_copy(p->cu_after.address, sizeof p->cu_after.address, address);
    str_copy(p->cu_after.phone, sizeof p->cu_after.phone, phone);
    p->cu_fields = STORE_CU_PERSON;
    if (cu.period_ckwh != 0 || cu.tier_extra_ckwh != 0) {
        /* 阶梯电价: the new owner's period starts at nothing bought, without the old
           household's extra allowance (docs/units.md) */
        p->cu_after.period_ckwh = 0;
        p->cu_after.tier_extra_ckwh = 0;
        p->cu_fields |= STORE_CU_MONEY | STORE_CU_TERMS;
    }
    str_copy(p->audit_op, sizeof p->audit_op, "transfer");
    str_copy(p->audit_before, sizeof p->audit_before, p->event.before);
    str_copy(p->audit_detail, sizeof p->audit_detail, p->event.after);
    return plan_finish(c, p, out, e);
}
