/* SPDX-License-Identifier: Apache-2.0 */
/* 换表 (M16, admin): the account moves to a new meter; the old meter's remaining energy
 * (and a purchase it never loaded) and an optional purchase go onto the card, which
 * carries the site key for the new meter. */
#include <stdio.h>
#include <string.h>

#include "core/plan_int.h"
#include "kwhpos/units.h"
#include "kwhpos/util.h"
#include "store/store.h"

int meter_change_plan(struct kwh_core *c, const struct kwh_session *s,
                      const struct kwh_card_view *view, const struct kwh_meter_change_req *m,
                      const struct kwh_purchase_req *req, struct kwh_plan **out, struct kwh_err *e)
{
    struct kwh_customer other, target;
    struct rules_quote q;
    struct kwh_card card;
    struct kwh_sale sale;
    struct seen_card v;
    struct kwh_plan *p;
    struct kwh_meter nm = m->meter;
    bool purchase = req != NULL && req->mode != KWH_BY_NONE;
    int64_t carried, unloaded, total, expected;
    char subject[32];
    int rc;

    *out = NULL;
    if ((rc = auth_permit(s, KWH_ACT_METER_CHANGE, 0, e)) < 0 ||
        (rc = rules_check_meter(&nm, e)) < 0)
        return rc;
    if (m->old_remaining_ckwh < -UNITS_MAX_CKWH || m->old_remaining_ckwh > UNITS_MAX_CKWH)
        return kwh_err_set(e, KWH_EINVAL,
                           "old meter's remaining energy: -999999.99 to "
                           "999999.99 kWh");
    if ((p = plan_new(c, s, KWH_OP_METER_CHANGE, e)) == NULL)
        return e ? e->code : KWH_ENOMEM;
    if ((purchase && (rc = rules_check_request(req, &p->site, e)) < 0) ||
        (rc = cardview_check(c, view->img, &v, e)) < 0 || (rc = rules_account_card(c, &v, e)) < 0)
        return plan_fail(p, rc);
    if (store_customer_by_meter(c->db, nm.meter_no, &other, NULL) == 0 && other.id != v.cust.id)
        return plan_fail(p, kwh_err_set(e, KWH_ECONFLICT,
                                        "meter number %08u already belongs to account "
                                        "%08u (%s)",
                                        nm.meter_no, other.customer_no, other.name));
    /* the purchase the old meter never loaded moves to the new meter too; when the card
       cannot say (its report damaged, or another meter's) carrying it could count it
       twice, and not carrying it could lose it */
    if (!cardview_purchase_in_meter(&v) && cardview_report_unknown(&v))
        return plan_fail(
            p, kwh_err_set(e, KWH_ECONFLICT,
                           "the meter's report on the card is damaged or "
                           "another meter's, so whether meter %08u took the last purchase is "
                           "unknown: put the card in meter %08u and read it again; if that "
                           "meter no longer reads cards, reissue the card (补卡, saying whether "
                           "the purchase was consumed) and change the meter then",
                           v.card.meter_no, v.card.meter_no));
    if (v.card.purchase_count >= 65535)
        return plan_fail(p,
                         kwh_err_set(e, KWH_ECONFLICT, "the card's purchase count is exhausted"));
    if ((rc = plan_expect_customer(c, p, &v.cust, e)) < 0)
        return plan_fail(p, rc);
    plan_expect_meter_free(p, nm.meter_no, v.cust.id);
    unloaded = cardview_purchase_in_meter(&v) ? 0 : v.card.purchase_ckwh;
    /* the meter holds at most its last report and what it loaded since: more is carried
       (and could be refunded later) only for a reason the administrator gives */
    expected = v.cust.balance_ckwh - unloaded;
    if (m->old_remaining_ckwh > (expected > 0 ? expected : 0) && m->reason[0] == '\0') {
        char was[32], exp[32], rep[32];
        fixed_format(m->old_remaining_ckwh, 2, was, sizeof was);
        fixed_format(expected > 0 ? expected : 0, 2, exp, sizeof exp);
        fixed_format(v.cust.reported_remaining_ckwh, 2, rep, sizeof rep);
        return plan_fail(p, kwh_err_set(e, KWH_EINVAL,
                                        "the old meter's remaining energy %s kWh is more than "
                                        "the %s kWh it should hold (its last report said %s kWh, "
                                        "with the purchases loaded since): check the meter's "
                                        "display, or give the reason to carry more",
                                        was, exp, rep));
    }
    if ((rc = text_check_line(KWH_N("reason"), m->reason, e)) < 0)
        return plan_fail(p, rc);
    if (!utf8_is_clean_line(m->reason) || strlen(m->reason) >= sizeof m->reason)
        return plan_fail(p, kwh_err_set(e, KWH_EINVAL, "reason: one line of text"));
    carried = m->old_remaining_ckwh + unloaded;
    target = v.cust;
    target.meter = nm;
    if ((rc = plan_price(c, p, &target, purchase ? req : NULL, NULL, carried > 0 ? carried : 0, &q,
                         e)) < 0)
        return plan_fail(p, rc);
    total = carried + q.card_ckwh;
    if (total < 0)
        return plan_fail(p, kwh_err_set(e, KWH_ECONFLICT,
                                        "the old meter's overdraft of %lld.%02lld kWh must "
                                        "be covered by a purchase with the meter change",
                                        (long long)(-carried / 100), (long long)(-carried % 100)));
    if (total > nm.hoard_ckwh)
        return plan_fail(p, kwh_err_set(e, KWH_ECONFLICT,
                                        "the carried and bought energy (%lld.%02lld kWh) "
                                        "exceeds the new meter's hoard limit",
                                        (long long)(total / 100), (long long)(total % 100)));

    p->op.has_meter = true;
    p->op.meter = nm;
    p->op.new_balance_ckwh = total;
    rules_user_card(&target, &card, core_now(c));
    card.purchase_count = (uint16_t)(v.card.purchase_count + 1);
    card.purchase_ckwh = (uint32_t)total;
    card.free_ckwh = (uint32_t)q.free_ckwh;
    card.flags = CARD_F_KEYX; /* the new meter learns the site key from it */
    if ((rc = plan_write_card(c, p, v.img, &card, e)) < 0)
        return plan_fail(p, rc);
    rules_fill_sale(&sale, KWH_OP_METER_CHANGE, &target, &q, purchase ? req : NULL,
                    card.purchase_count);
    plan_add_sale(p, &sale);
    p->v.remaining_ckwh = m->old_remaining_ckwh;
    p->v.unloaded_ckwh = unloaded;
    p->v.carried_ckwh = carried;
    snprintf(subject, sizeof subject, "account %08u", v.cust.customer_no);
    plan_audit(p, "meter-change", subject,
               "meter=%08u->%08u old_remaining=%lld expected=%lld unloaded=%lld purchase=%lld "
               "amount=%lld reason=%s",
               v.cust.meter.meter_no, nm.meter_no, (long long)m->old_remaining_ckwh,
               (long long)expected, (long long)unloaded, (long long)q.card_ckwh,
               (long long)q.amount_fen, m->reason);
    p->has_event = true;
    p->event.kind = KWH_OP_METER_CHANGE;
    snprintf(p->event.before, sizeof p->event.before, "meter=%08u type=%d limit=%d remaining=%lld",
             v.cust.meter.meter_no, v.cust.meter.meter_type, v.cust.meter.current_limit_a,
             (long long)m->old_remaining_ckwh);
    snprintf(p->event.after, sizeof p->event.after,
             "meter=%08u type=%d limit=%d carried=%lld bought=%lld", nm.meter_no, nm.meter_type,
             nm.current_limit_a, (long long)carried, (long long)q.card_ckwh);
    return plan_finish(c, p, out, e);
}
