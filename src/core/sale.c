/* SPDX-License-Identifier: Apache-2.0 */
/* 日常售电 (M11): a purchase onto the customer's card, once the meter took the last. */
#include <stdio.h>
#include <string.h>

#include "core/plan_int.h"
#include "kwhpos/util.h"

int sale_plan(struct kwh_core *c, const struct kwh_session *s, const struct kwh_card_view *view,
              const struct kwh_purchase_req *req, struct kwh_plan **out, struct kwh_err *e)
{
    struct seen_card v;
    struct kwh_plan *p;
    char subject[32];
    int count, rc;

    *out = NULL;
    if ((rc = need_operator(s, e)) < 0)
        return rc;
    if (req == NULL || req->mode == KWH_BY_NONE)
        return kwh_err_set(e, KWH_EINVAL, "enter an amount or an energy to sell");
    if ((p = plan_new(c, s, KWH_OP_SALE, e)) == NULL)
        return e ? e->code : KWH_ENOMEM;
    if ((rc = rules_check_request(req, &p->site, e)) < 0 ||
        (rc = cardview_check(c, view->img, &v, e)) < 0 || (rc = rules_account_card(c, &v, e)) < 0)
        return plan_fail(p, rc);
    if (cardview_meter_refused(&v)) {
        char why[KWH_ERR_MSG];
        cardview_refusal(&v, why, sizeof why);
        return plan_fail(p, kwh_err_set(e, KWH_ECONFLICT, "%s", why));
    }
    if (!cardview_purchase_in_meter(&v) && v.card.purchase_count > 0)
        return plan_fail(p, kwh_err_set(e, KWH_ECONFLICT,
                                        "the last purchase (%u) has not reached the "
                                        "meter yet: insert the card in the meter first, or "
                                        "change that purchase with 重新售电",
                                        v.card.purchase_count));
    if (v.card.purchase_count >= 65535)
        return plan_fail(p, kwh_err_set(e, KWH_ECONFLICT,
                                        "the card's purchase count is exhausted: "
                                        "reissue a card"));
    count = v.card.purchase_count + 1;
    if ((rc = plan_expect_customer(c, p, &v.cust, e)) < 0 ||
        (rc = plan_purchase(c, p, &v.cust, v.img, req, NULL, count, rules_hoard_base(&v.cust), 0,
                            e)) < 0)
        return plan_fail(p, rc);
    snprintf(subject, sizeof subject, "account %08u", v.cust.customer_no);
    plan_audit(p, "sale", subject,
               "count=%d energy=%lld adjust=%lld free=%lld amount=%lld price=%lld pay=%s", count,
               (long long)p->v.sale.energy_ckwh, (long long)p->v.sale.adjust_ckwh,
               (long long)p->v.sale.free_ckwh, (long long)p->v.sale.amount_fen,
               (long long)p->v.sale.price, model_pay_name(req->pay_method));
    return plan_finish(c, p, out, e);
}
