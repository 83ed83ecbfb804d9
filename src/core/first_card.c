/* SPDX-License-Identifier: Apache-2.0 */
/* The first card of an account that has none: an imported account.
 *
 * It is an opening (用户开户) of an account that already exists: the card carries the
 * site key so an un-opened meter learns it, the meter's purchase count + 1 recorded at
 * import (0 + 1 for a new meter), and an optional first purchase. 补卡 does not fit: it
 * replaces a card whose last record it copies, and there is none. */
#include <stdio.h>
#include <string.h>

#include "core/plan_int.h"
#include "kwhpos/util.h"
#include "kwhpos/card.h"
#include "store/store.h"

int first_card_plan(struct kwh_core *c, const struct kwh_session *s, uint32_t customer_no,
                    const struct kwh_card_view *blank, const struct kwh_purchase_req *req,
                    struct kwh_plan **out, struct kwh_err *e)
{
    struct kwh_customer cu;
    struct seen_card v;
    struct store_op last;
    struct kwh_plan *p;
    char subject[32];
    int rc;

    *out = NULL;
    if ((rc = need_operator(s, e)) < 0)
        return rc;
    /* an opening: the op's kind is the opening's, with an account that exists */
    if ((p = plan_new(c, s, KWH_OP_OPEN, e)) == NULL)
        return e ? e->code : KWH_ENOMEM;
    if ((rc = rules_check_request(req, &p->site, e)) < 0 ||
        (rc = plan_account_by_no(c, p, customer_no, &cu, e)) < 0)
        return plan_fail(p, rc);
    if (cu.status != KWH_CUST_OPEN)
        return plan_fail(
            p, kwh_err_set(e, KWH_ECONFLICT, "account %08u is %s: no card can be issued for it",
                           customer_no, kwh_trc("status", model_status_name(cu.status))));
    if ((rc = rules_settled(c, &cu, e)) < 0)
        return plan_fail(p, rc);
    if (store_op_last_done_for_customer(c->db, cu.id, &last, NULL) == 0 ||
        card_serial_is_set(cu.card_serial))
        return plan_fail(p, kwh_err_set(e, KWH_ECONFLICT,
                                        "account %08u already has a card: for a lost or "
                                        "broken one use 补卡 (reissue)",
                                        customer_no));
    if (cu.purchase_count >= 65535)
        return plan_fail(p, kwh_err_set(e, KWH_ECONFLICT,
                                        "account %08u: the meter's purchase count is "
                                        "exhausted",
                                        customer_no));
    if ((rc = cardview_check(c, blank->img, &v, e)) < 0 || (rc = rules_blank_card(&v, e)) < 0 ||
        (rc = plan_expect_customer(c, p, &cu, e)) < 0)
        return plan_fail(p, rc);
    rules_card_serial(&v, cu.card_serial);
    if ((rc = plan_purchase(c, p, &cu, v.img, req, NULL, cu.purchase_count + 1,
                            rules_hoard_base(&cu), CARD_F_KEYX, e)) < 0)
        return plan_fail(p, rc);
    snprintf(subject, sizeof subject, "account %08u", cu.customer_no);
    plan_audit(p, "first-card", subject,
               "meter=%08u count=%u energy=%lld adjust=%lld free=%lld amount=%lld pay=%s",
               cu.meter.meter_no, p->card.purchase_count, (long long)p->v.sale.energy_ckwh,
               (long long)p->v.sale.adjust_ckwh, (long long)p->v.sale.free_ckwh,
               (long long)p->v.sale.amount_fen, model_pay_name(p->v.sale.pay_method));
    return plan_finish(c, p, out, e);
}
