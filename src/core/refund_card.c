/* SPDX-License-Identifier: Apache-2.0 */
/* 制退电卡 (M14): the account's user card becomes a refund card; the meter moves its
 * remaining energy onto it, and 读卡退电 pays it out. */
#include <stdio.h>
#include <string.h>

#include "core/plan_int.h"
#include "kwhpos/util.h"

int refund_card_plan(struct kwh_core *c, const struct kwh_session *s,
                     const struct kwh_card_view *view, struct kwh_plan **out, struct kwh_err *e)
{
    struct seen_card v;
    struct kwh_card card;
    struct kwh_plan *p;
    char subject[32];
    int rc;

    *out = NULL;
    if ((rc = need_operator(s, e)) < 0)
        return rc;
    if ((p = plan_new(c, s, KWH_OP_REFUND_CARD, e)) == NULL)
        return e ? e->code : KWH_ENOMEM;
    if ((rc = cardview_check(c, view->img, &v, e)) < 0 || (rc = rules_account_card(c, &v, e)) < 0 ||
        (rc = plan_expect_account(c, p, &v.cust, e)) < 0)
        return plan_fail(p, rc);
    card = v.card;
    card.type = KWH_CARD_REFUND;
    card.flags = 0;
    card.issued = (uint32_t)core_now(c);
    if ((rc = plan_write_card(c, p, v.img, &card, e)) < 0)
        return plan_fail(p, rc);
    snprintf(subject, sizeof subject, "account %08u", v.cust.customer_no);
    plan_audit(p, "refund-card", subject, "count=%u balance=%lld", card.purchase_count,
               (long long)v.cust.balance_ckwh);
    return plan_finish(c, p, out, e);
}
