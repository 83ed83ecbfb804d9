/* SPDX-License-Identifier: Apache-2.0 */
/* 日常售电 (M11): a purchase onto the customer's card, once the meter took the last; and
 * what the card can take before an amount is typed (sale_room, for 重新售电 too). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/plan_int.h"
#include "store/store.h"
#include "kwhpos/core.h"
#include "kwhpos/units.h"
#include "kwhpos/util.h"

/* Why a daily sale onto this card cannot be made, whatever the amount, or 0: the
 * meter refused the card, or the last purchase has not reached the meter. */
static int sale_card_ok(const struct seen_card *v, struct kwh_err *e)
{
    if (cardview_meter_refused(v)) {
        char why[KWH_ERR_MSG];
        cardview_refusal(v, why, sizeof why);
        return kwh_err_set(e, KWH_ECONFLICT, "%s", why);
    }
    if (!cardview_purchase_in_meter(v) && v->card.purchase_count > 0)
        return kwh_err_set(e, KWH_ECONFLICT,
                           "the last purchase (%u) has not reached the "
                           "meter yet: insert the card in the meter first, or "
                           "change that purchase with 重新售电",
                           v->card.purchase_count);
    if (v->card.purchase_count >= 65535)
        return kwh_err_set(e, KWH_ECONFLICT,
                           "the card's purchase count is exhausted: "
                           "reissue a card");
    return 0;
}

int sale_room(struct kwh_core *c, const struct kwh_session *s, const struct kwh_card_view *view,
              int kind, struct kwh_sale_room *out, struct kwh_err *e)
{
    struct kwh_site site;
    struct seen_card v;
    struct kwh_tariff t;
    struct kwh_fee_type *fees = NULL;
    struct rules_terms terms;
    struct rules_quote q;
    size_t nfees = 0;
    bool resale = kind == KWH_OP_RESALE, by_month;
    int64_t base;
    int rc;

    memset(out, 0, sizeof *out);
    if ((rc = need_operator(s, e)) < 0 || (rc = settings_get(c, &site, e)) < 0 ||
        (rc = cardview_check(c, view->img, &v, e)) < 0 || (rc = rules_account_card(c, &v, e)) < 0 ||
        (rc = resale ? resale_replaceable(c, &v, e) : sale_card_ok(&v, e)) < 0)
        return rc;
    base = rules_hoard_base(&v.cust);
    if (resale) /* the meter holds what it held before the replaced sale */
        base -= model_sale_card_ckwh(&v.last_sale);
    out->held_ckwh = base < 0 ? 0 : base;
    out->hoard_ckwh = v.cust.meter.hoard_ckwh;
    out->free_ckwh = rules_free_grant(&site, &v.cust, resale ? &v.last_sale : NULL,
                                      rules_month(core_now(c)), &by_month);
    out->price = v.cust.price;
    out->max_ckwh = rules_hoard_room(&v.cust, out->held_ckwh, out->free_ckwh);
    /* the yuan: as the plan prices it, from where the account stands in its tiers, with
       the fees due and the arrears recovered */
    if ((rc = store_tariff_get(c->db, v.cust.tariff_id, core_now(c), &t, e)) < 0 ||
        (rc = store_fee_list(c->db, &fees, &nfees, e)) < 0)
        return rc;
    memset(&terms, 0, sizeof terms);
    terms.tariff = &t;
    terms.fees = fees;
    terms.nfees = nfees;
    terms.recovery_mode = site.recovery_mode;
    terms.recovery_value = site.recovery_value;
    terms.now = core_now(c);
    v.cust.price = t.price;
    out->max_fen = rules_most_payment(&site, &terms, &v.cust, resale ? &v.last_sale : NULL,
                                      rules_month(terms.now), out->max_ckwh, &q);
    free(fees);
    out->max_energy_ckwh = q.energy_ckwh;
    out->fee_fen = q.fees_fen;
    out->arrears_fen = q.arrears_fen;
    out->owed_fen = v.cust.arrears_fen;
    out->tiers = t.ntiers;
    if (q.split.n > 0) {
        out->tier = q.split.tier[0];
        out->price = q.split.price[0];
    }
    return 0;
}

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
        (rc = cardview_check(c, view->img, &v, e)) < 0 || (rc = rules_account_card(c, &v, e)) < 0 ||
        (rc = sale_card_ok(&v, e)) < 0)
        return plan_fail(p, rc);
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
