/* SPDX-License-Identifier: Apache-2.0 */
/* 重新售电 (M12): the card's last sale is replaced by another while the meter has not
 * taken it; the customer pays the difference or gets it back. */
#include <stdio.h>
#include <string.h>

#include "core/plan_int.h"
#include "kwhpos/util.h"
#include "store/store.h"

/* The account's last card write, when this card took it: a re-sale replaces only the
 * purchase on the card in hand (after a reissue, the old card may have taken it into the
 * meter); false when there is none or another card took it. */
static bool last_write_on_card(struct kwh_core *c, const struct seen_card *v, struct store_op *last)
{
    return store_op_last_done_for_customer(c->db, v->cust.id, last, NULL) == 0 &&
           memcmp(last->serial, v->card.serial, CARD_SERIAL_LEN) == 0;
}

int resale_replaceable(struct kwh_core *c, const struct seen_card *v, struct kwh_err *e)
{
    struct store_op last;
    bool on_card = last_write_on_card(c, v, &last);

    /* a 冲正 took the card's last purchase back off it: nothing there to replace */
    if (on_card && last.kind == KWH_OP_REVERSAL)
        return kwh_err_set(e, KWH_ECONFLICT,
                           "the card's last purchase was reversed (冲正) and its energy taken "
                           "back off the card: 重新售电 has nothing to replace; sell normally");
    if (cardview_purchase_in_meter(v))
        return kwh_err_set(e, KWH_ECONFLICT,
                           "the last purchase is already in the meter: "
                           "重新售电 is no longer possible; sell normally");
    if (v->card.ret.damaged)
        return kwh_err_set(e, KWH_ECONFLICT,
                           "the meter's report on the card is damaged "
                           "(perhaps pulled out of the meter too soon), so whether the "
                           "purchase reached the meter is unknown: put the card in meter "
                           "%08u, then read it again",
                           v->card.meter_no);
    /* another meter wrote over the card's report: whether its own meter took the purchase
       is unknown, and re-selling a purchase it took would give it twice */
    if (v->card.ret.valid && v->card.ret.meter_no != v->card.meter_no)
        return kwh_err_set(e, KWH_ECONFLICT,
                           "the card was last put in meter %08u, not in "
                           "its own meter %08u, so whether the purchase reached the meter "
                           "is unknown: put the card in meter %08u, then read it again",
                           v->card.ret.meter_no, v->card.meter_no, v->card.meter_no);
    if (!v->has_last_sale || v->last_sale.purchase_count != v->card.purchase_count ||
        !(model_op(v->last_sale.kind)->flags & KWH_OPF_REPLACEABLE) || !on_card ||
        last.id != v->last_sale.op_id)
        return kwh_err_set(e, KWH_ECONFLICT,
                           "the last write to this card was not a sale "
                           "(a reissue or meter change): 重新售电 cannot replace it");
    return 0;
}

int resale_plan(struct kwh_core *c, const struct kwh_session *s, const struct kwh_card_view *view,
                const struct kwh_purchase_req *req, struct kwh_plan **out, struct kwh_err *e)
{
    struct seen_card v;
    struct kwh_plan *p;
    char subject[32];
    int64_t base;
    int rc;

    *out = NULL;
    if ((rc = need_operator(s, e)) < 0)
        return rc;
    if (req == NULL || req->mode == KWH_BY_NONE)
        return kwh_err_set(e, KWH_EINVAL, "enter an amount or an energy to sell");
    if ((p = plan_new(c, s, KWH_OP_RESALE, e)) == NULL)
        return e ? e->code : KWH_ENOMEM;
    if ((rc = rules_check_request(req, &p->site, e)) < 0 ||
        (rc = cardview_check(c, view->img, &v, e)) < 0 || (rc = rules_account_card(c, &v, e)) < 0 ||
        (rc = resale_replaceable(c, &v, e)) < 0)
        return plan_fail(p, rc);
    /* the meter holds what it held before the replaced sale */
    base = rules_hoard_base(&v.cust) - model_sale_card_ckwh(&v.last_sale);
    /* a re-sold opening card still has to open the meter */
    if ((rc = plan_expect_customer(c, p, &v.cust, e)) < 0 ||
        (rc = plan_purchase(c, p, &v.cust, v.img, req, &v.last_sale, v.card.purchase_count,
                            base < 0 ? 0 : base, (uint8_t)(v.card.flags & CARD_F_KEYX), e)) < 0)
        return plan_fail(p, rc);
    p->v.has_replaced = true;
    p->v.replaced = v.last_sale;
    p->v.difference_fen = p->v.sale.amount_fen - v.last_sale.amount_fen;
    snprintf(subject, sizeof subject, "account %08u", v.cust.customer_no);
    plan_audit(p, "resale", subject,
               "count=%d energy=%lld adjust=%lld free=%lld amount=%lld price=%lld pay=%s "
               "replaces_sale=%lld",
               v.card.purchase_count, (long long)p->v.sale.energy_ckwh,
               (long long)p->v.sale.adjust_ckwh, (long long)p->v.sale.free_ckwh,
               (long long)p->v.sale.amount_fen, (long long)p->v.sale.price,
               model_pay_name(req->pay_method), (long long)v.last_sale.id);
    return plan_finish(c, p, out, e);
}
