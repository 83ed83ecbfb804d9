/* SPDX-License-Identifier: Apache-2.0 */
/* 读卡退电 (M15): the refund card after the meter wrote its remaining energy on it. The
 * energy left is what it reports plus a purchase the meter never loaded; it is paid
 * back only as far as the account's most recent purchases paid for it, last in first
 * out at their own prices (rules_paid_back: free allowance and 调剂 energy are never
 * paid out; a tiered purchase's part from its highest tier down, and the refunded kWh of
 * the current tier period go back to the account's period counter); negative when the overdraft was
 * used (the customer pays, at the last purchase's price). No card write: one transaction. */
#include <stdio.h>
#include <string.h>

#include "core/plan_int.h"
#include "kwhpos/units.h"
#include "kwhpos/util.h"

static int plan_refund(struct kwh_core *c, const struct kwh_session *s,
                       const struct kwh_card_view *view, int pay_method, bool unpaid,
                       struct kwh_plan **out, struct kwh_err *e)
{
    const struct kwh_card_return *r;
    struct kwh_customer cu;
    struct kwh_sale sale;
    struct seen_card v;
    struct kwh_plan *p;
    int64_t energy, amount, period_back = 0;
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
    memset(&sale, 0, sizeof sale);
    if (energy >= 0) {
        /* paid back only what was paid: the most recent purchases, last in first out, at
           their own prices; free allowance and 调剂 never become money */
        int64_t paid, last;
        if ((rc = rules_paid_back(c, cu.id, energy, cu.period_start, &amount, &paid, &last,
                                  &period_back, e)) < 0)
            return plan_fail(p, rc);
        p->v.refund_ckwh = paid;
        sale.price = last;
    } else {
        /* the overdraft used is charged at the price the energy was last bought at */
        p->v.refund_ckwh = energy;
        if (v.has_last_sale) {
            sale.price = v.last_sale.price;
        } else {
            struct kwh_tariff t;
            if ((rc = plan_expect_tariff(c, p, cu.tariff_id, &t, e)) < 0)
                return plan_fail(p, rc);
            sale.price = t.price;
        }
        amount = units_refund_for_energy(energy, sale.price);
    }
    p->v.kept_ckwh = energy - p->v.refund_ckwh;
    if (unpaid && amount >= 0)
        return plan_fail(p, kwh_err_set(e, KWH_ECONFLICT,
                                        "the meter's overdraft was not used: the customer owes "
                                        "nothing, so nothing is left unpaid"));
    if (unpaid) {
        /* owed, not paid now: the account's arrears, recovered at its sales */
        p->arrears_add_fen = -amount;
        snprintf(p->arrears_reason, sizeof p->arrears_reason,
                 "读卡退电 overdraft %lld.%02lld kWh at %lld.%04lld left unpaid",
                 (long long)(-energy / 100), (long long)(-energy % 100),
                 (long long)(sale.price / 10000), (long long)(sale.price % 10000));
        amount = 0;
    }
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
    if (period_back > 0) {
        /* the refunded energy bought in this tier period is given back to its counter */
        p->cu_after.period_ckwh -= period_back;
        if (p->cu_after.period_ckwh < 0)
            p->cu_after.period_ckwh = 0;
        p->cu_fields |= STORE_CU_MONEY;
    }
    if (unpaid) {
        p->cu_after.arrears_fen += p->arrears_add_fen;
        p->cu_fields |= STORE_CU_MONEY;
    }
    plan_audit(p, "refund", "",
               "remaining=%lld unloaded=%lld refund=%lld price=%lld amount=%lld pay=%s "
               "unpaid=%lld",
               (long long)p->v.remaining_ckwh, (long long)p->v.unloaded_ckwh,
               (long long)p->v.refund_ckwh, (long long)sale.price, (long long)amount,
               unpaid ? "none" : model_pay_name(pay_method), (long long)p->arrears_add_fen);
    str_copy(p->audit_before, sizeof p->audit_before, "status=open");
    return plan_finish(c, p, out, e);
}

int refund_plan(struct kwh_core *c, const struct kwh_session *s, const struct kwh_card_view *view,
                int pay_method, struct kwh_plan **out, struct kwh_err *e)
{
    return plan_refund(c, s, view, pay_method, false, out, e);
}

int refund_plan_unpaid(struct kwh_core *c, const struct kwh_session *s,
                       const struct kwh_card_view *view, struct kwh_plan **out, struct kwh_err *e)
{
    return plan_refund(c, s, view, KWH_PAY_CASH, true, out, e);
}
