/* SPDX-License-Identifier: Apache-2.0 */
/* 用户销户 (M18): the account is closed; its history stays and its meter number is free
 * again. Refused while energy is left on it, unless an administrator forces it. */
#include <stdio.h>
#include <string.h>

#include "core/plan_int.h"
#include "kwhpos/util.h"
#include "store/store.h"

int close_plan(struct kwh_core *c, const struct kwh_session *s, uint32_t customer_no, bool force,
               struct kwh_plan **out, struct kwh_err *e)
{
    struct kwh_customer cu;
    struct kwh_plan *p;
    int rc;

    *out = NULL;
    if ((rc = need_operator(s, e)) < 0)
        return rc;
    if ((p = plan_new(c, s, 0, e)) == NULL)
        return e ? e->code : KWH_ENOMEM;
    if ((rc = plan_account_by_no(c, p, customer_no, &cu, e)) < 0)
        return plan_fail(p, rc);
    if (cu.status != KWH_CUST_OPEN && cu.status != KWH_CUST_REFUNDED)
        return plan_fail(p, kwh_err_set(e, KWH_ECONFLICT, "account %08u is %s", customer_no,
                                        kwh_trc("status", model_status_name(cu.status))));
    if ((rc = rules_settled(c, &cu, e)) < 0)
        return plan_fail(p, rc);
    if (cu.status == KWH_CUST_OPEN && cu.balance_ckwh > 0) {
        if (!force)
            return plan_fail(p, kwh_err_set(e, KWH_ECONFLICT,
                                            "account %08u still has about %lld.%02lld kWh: "
                                            "refund it first (制退电卡, 读卡退电), or an "
                                            "administrator may force the closing",
                                            customer_no, (long long)(cu.balance_ckwh / 100),
                                            (long long)(cu.balance_ckwh % 100)));
        if ((rc = auth_permit(s, KWH_ACT_CLOSE_FORCE, 0, e)) < 0)
            return plan_fail(p, rc);
        p->v.forced = true;
    }
    if ((rc = plan_expect_account(c, p, &cu, e)) < 0)
        return plan_fail(p, rc);
    p->has_event = true;
    p->event.kind = STORE_EV_CLOSE;
    snprintf(p->event.before, sizeof p->event.before, "status=%s balance=%lld meter=%08u",
             model_status_name(cu.status), (long long)cu.balance_ckwh, cu.meter.meter_no);
    snprintf(p->event.after, sizeof p->event.after, "status=closed%s", force ? " forced=1" : "");
    p->cu_after = cu;
    p->cu_after.status = KWH_CUST_CLOSED;
    p->cu_after.closed = core_now(c);
    p->cu_fields = STORE_CU_STATUS | STORE_CU_CLOSED;
    str_copy(p->audit_op, sizeof p->audit_op, "close");
    str_copy(p->audit_before, sizeof p->audit_before, p->event.before);
    str_copy(p->audit_detail, sizeof p->audit_detail, p->event.after);
    return plan_finish(c, p, out, e);
}
