/* SPDX-License-Identifier: Apache-2.0 */
/* 读卡退电 (M15): the refund card after the meter wrote its remaining energy on it. The
 * refund is that energy plus a purchase the meter never loaded, less this month's free
 * allowance, at the price of the last purchase; negative when the overdraft was used
 * (the customer pays). No card write: one transaction. */
#include <stdio.h>
#include <string.h>

#include "core/plan_int.h"
#include "kwhpos/units.h"
#include "kwhpos/util.h"

int refund_plan(struct kwh_core *c, const struct kwh_session *s, const struct kwh_card_view *view,
                int pay_method, struct kwh_plan **out, struct kwh_err *e)
{
    const struct kwh_card_return *r;
    struct kwh_customer cu;
    struct kwh_sale sale;
    struct seen_card v;
    struct kwh_plan *p;
    int64_t energy, keep, amount;
    int month = rules_month(core_now(c));
    int rc;

    *out = NULL;
    if ((rc = need_operator(s, e)) < 0)
        return rc;
    if (model_name(model_pays, KWH_PAY_COUNT, pay_method) == NULL)
        return kwh_err_set(e, KWH_EINVAL, "choose how the money is paid out");
    if ((p = plan_new(c, s, KWH_OP_REFUND, e)) == NULL)
        return e ? e->code : KWH_ENOMEM;
    if ((rc = cardview_check(c, view->img, &v, e)) < 0)
        return plan_fail(p, rc);
    r = &v.card.ret;
    if (v.card.type != KWH_CARD_REFUND || !v.has_cust)
        return plan_fail(p, kwh_err_set(e, KWH_ECARD,
                                        "the card in the reader is a %s card, not a refund "
                                        "card: make one with 制退电卡 first",
                                        kwh_trc("card", model_card_type_name(v.card.type))));
    if (v.cust.status == KWH_CUST_REFUNDED)
        return plan_fail(p, kwh_err_set(e, KWH_ECONFLICT, "account %08u was already refunded",
                                        v.cust.customer_no));
    if (v.cust.status != KWH_CUST_OPEN)
        return plan_fail(p, kwh_err_set(e, KWH_ECONFLICT, "account %08u is %s", v.cust.customer_no,
                                        kwh_trc("status", model_status_name(v.cust.status))));
    if (!r->valid || !(r->status & CARD_RS_REFUNDED) || r->meter_no != v.card.meter_no)
        return plan_fail(p, kwh_err_set(e, KWH_ECONFLICT,
                                        "the meter has not written on this refund card "
                                        "yet: insert it in meter %08u, then read it here",
                                        v.card.meter_no));
    cu = v.cust;
    if ((rc = plan_expect_account(c, p, &cu, e)) < 0)
        return plan_fail(p, rc);
    p->v.remaining_ckwh = r->remaining_ckwh;
    p->v.unloaded_ckwh = r->loaded_count < v.card.purchase_count ? v.card.purchase_ckwh : 0;
    energy = p->v.remaining_ckwh + p->v.unloaded_ckwh;
    /* free allowance granted this calendar month is not refunded as money */
    keep = cu.free_month == month && v.has_last_sale ? v.last_sale.free_ckwh : 0;
    if (cu.free_month != 0) {
        p->x.by_month = true;
        p->x.month = month;
    }
    if (keep > energy)
        keep = energy > 0 ? energy : 0;
    p->v.refund_ckwh = energy - keep;
    memset(&sale, 0, sizeof sale);
    /* the price the energy was bought at; the tariff's only when nothing was bought */
    if (v.has_last_sale) {
        sale.price = v.last_sale.price;
    } else {
        struct kwh_tariff t;
        if ((rc = plan_expect_tariff(c, p, cu.tariff_id, &t, e)) < 0)
            return plan_fail(p, rc);
        sale.price = t.price;
    }
    amount = units_refund_for_energy(p->v.refund_ckwh, sale.price);
    p->v.refund_fen = amount;

    sale.kind = KWH_OP_REFUND;
    sale.customer_id = cu.id;
    sale.customer_no = cu.customer_no;
    str_copy(sale.customer_name, sizeof sale.customer_name, cu.name);
    str_copy(sale.customer_address, sizeof sale.customer_address, cu.address);
    str_copy(sale.customer_phone, sizeof sale.customer_phone, cu.phone);
    str_copy(sale.tariff_name, sizeof sale.tariff_name, cu.tariff_name);
    sale.meter_no = cu.meter.meter_no;
    sale.purchase_count = v.card.purchase_count;
    sale.energy_ckwh = -p->v.refund_ckwh;
    sale.tariff_id = cu.tariff_id;
    sale.amount_fen = -amount;
    sale.pay_method = pay_method;
    plan_add_sale(p, &sale);

    p->cu_after = cu;
    p->cu_after.status = KWH_CUST_REFUNDED;
    p->cu_after.balance_ckwh = 0;
    p->cu_after.loaded_count = r->loaded_count;
    p->cu_fields = STORE_CU_STATUS | STORE_CU_BALANCE | STORE_CU_LOADED;
    plan_audit(
        p, "refund", "", "remaining=%lld unloaded=%lld refund=%lld price=%lld amount=%lld pay=%s",
        (long long)p->v.remaining_ckwh, (long long)p->v.unloaded_ckwh, (long long)p->v.refund_ckwh,
        (long long)sale.price, (long long)amount, model_pay_name(pay_method));
    str_copy(p->audit_before, sizeof p->audit_before, "status=open");
    return plan_finish(c, p, out, e);
}
