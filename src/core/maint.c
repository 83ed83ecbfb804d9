/* SPDX-License-Identifier: Apache-2.0 */
/* Purchase maintenance: card reissue (M13), refund card (M14), refund (M15), meter
 * change (M16). */
#include <stdio.h>
#include <string.h>

#include "core/vend.h"
#include "kwhpos/units.h"
#include "kwhpos/util.h"

/* The last card the database wrote for the account, decoded. */
static int last_card(struct kwh_core *c, const struct kwh_customer *cu, struct kwh_card *out,
                     struct kwh_err *e)
{
    struct store_op last;
    int rc = store_op_last_done_for_customer(c->db, cu->id, &last, e);
    if (rc < 0)
        return rc;
    return card_decode(last.new_image, &c->keys, out, e);
}

/* A blank card in the reader, for a new card. */
static int load_blank(struct kwh_core *c, struct vend_card *v, struct kwh_err *e)
{
    int rc = vend_load(c, v, e);
    if (rc < 0)
        return rc;
    if (v->card.type != KWH_CARD_BLANK)
        return kwh_err_set(e, KWH_ECONFLICT,
                           "the card in the reader is a %s card, not blank: "
                           "put a blank card in (or wipe this one with 读卡清卡)",
                           kwh_trc("card", card_type_name(v->card.type)));
    return 0;
}

/* --- M13 补卡售电 --------------------------------------------------------------------- */

/* The lost card's unsettled writes: the reissue takes them over as done (the new card
 * carries what they wrote, and the old card stops working at the meter), except a write
 * known not to have taken effect, which it cancels: the clerk was told so. */
static int take_over_pending(struct kwh_core *c, const struct kwh_customer *cu, struct kwh_err *e)
{
    int64_t ids[8];
    size_t n;
    int rc;

    if ((rc = store_ops_pending_for_serial(c->db, cu->card_serial, ids, 8, &n, e)) < 0)
        return rc;
    for (size_t i = 0; i < n; i++) {
        bool not_written;

        if ((rc = store_op_not_written(c->db, ids[i], &not_written, e)) < 0 ||
            (rc = cardop_settle(c, ids[i], not_written ? KWH_STATE_VOID : KWH_STATE_DONE,
                                not_written ? "not written; cancelled by a reissue"
                                            : "taken over by a reissue",
                                e)) < 0)
            return rc;
    }
    return 0;
}

int vend_reissue(struct kwh_core *c, const struct kwh_session *s, uint32_t customer_no,
                 bool consumed, int64_t fee_fen, const struct kwh_purchase_req *p,
                 struct kwh_receipt *out, struct kwh_err *e)
{
    struct kwh_customer cu;
    struct kwh_card old_card, card;
    struct kwh_quote q;
    struct vend_card v;
    struct cardop co;
    bool purchase = p != NULL && p->mode != KWH_BY_NONE;
    int64_t now = core_now(c);
    int rc;

    if ((rc = need_operator(s, e)) < 0)
        return rc;
    if (fee_fen < 0 || fee_fen > UNITS_MAX_FEN)
        return kwh_err_set(e, KWH_EINVAL, "reissue fee: 0 to %lld.%02lld yuan",
                           (long long)(UNITS_MAX_FEN / 100), (long long)(UNITS_MAX_FEN % 100));
    if (purchase && !consumed)
        return kwh_err_set(e, KWH_EINVAL,
                           "with 未消费 the new card carries the purchase the "
                           "meter has not loaded; sell again after it has been in the meter");
    if ((rc = store_customer_by_no(c->db, customer_no, &cu, e)) < 0)
        return rc;
    /* a refunded account's meter was emptied and its energy paid back, the purchase on
       its last card included: a new card would carry that purchase again */
    if (cu.status == KWH_CUST_REFUNDED)
        return kwh_err_set(e, KWH_ECONFLICT,
                           "account %08u was refunded (读卡退电): no card is "
                           "issued for it any more; close it (销户) and open a new account",
                           customer_no);
    if (cu.status != KWH_CUST_OPEN)
        return kwh_err_set(e, KWH_ECONFLICT, "account %08u is %s: no card can be issued for it",
                           customer_no, kwh_trc("status", model_status_name(cu.status)));
    if ((rc = load_blank(c, &v, e)) < 0)
        return rc;
    if ((rc = take_over_pending(c, &cu, e)) < 0 ||
        (rc = store_customer_by_no(c->db, customer_no, &cu, e)) < 0 ||
        (rc = last_card(c, &cu, &old_card, e)) < 0)
        return rc;
    memset(&q, 0, sizeof q);
    q.price = cu.price;
    if (purchase &&
        (rc = vend_compute(c, &cu, p, NULL, cu.balance_ckwh > 0 ? cu.balance_ckwh : 0, &q, e)) < 0)
        return rc;

    memset(&co, 0, sizeof co);
    co.op.kind = KWH_OP_REISSUE;
    co.op.customer_id = cu.id;
    cardop_expect(&co, &cu);
    co.op.reissue_consumed = consumed;
    if (card_serial_is_set(v.card.serial))
        memcpy(co.op.serial, v.card.serial, CARD_SERIAL_LEN);
    else
        cardop_new_serial(co.op.serial);
    vend_base_card(&cu, &card, now);
    memcpy(card.serial, co.op.serial, CARD_SERIAL_LEN);
    card.generation = (uint16_t)(cu.card_gen + 1);
    card.flags = CARD_F_KEYX;
    if (purchase) {
        card.purchase_count = (uint16_t)(cu.purchase_count + 1);
        card.purchase_ckwh = (uint32_t)q.card_ckwh;
        card.free_ckwh = (uint32_t)q.free_ckwh;
    } else {
        /* the last purchase again: to load (未消费) or already loaded (已消费) */
        card.purchase_count = old_card.purchase_count;
        card.purchase_ckwh = old_card.purchase_ckwh;
        card.free_ckwh = old_card.free_ckwh;
        if (consumed)
            card.flags |= CARD_F_NO_PURCHASE;
    }
    if ((rc = card_encode(v.img, &card, &c->keys, co.op.new_image, e)) < 0)
        return rc;
    vend_fill_sale(&co.sales[0], KWH_OP_REISSUE, &cu, &q, p, card.purchase_count);
    co.sales[0].fee_fen = fee_fen;
    co.nsales = 1;
    co.audit_op = "reissue";
    snprintf(co.audit_subject, sizeof co.audit_subject, "account %08u", cu.customer_no);
    snprintf(co.audit_detail, sizeof co.audit_detail,
             "consumed=%d fee=%lld generation=%d->%d count=%u energy=%lld amount=%lld", consumed,
             (long long)fee_fen, cu.card_gen, card.generation, card.purchase_count,
             (long long)q.energy_ckwh, (long long)q.amount_fen);
    co.has_event = true;
    co.event.kind = KWH_OP_REISSUE;
    snprintf(co.event.before, sizeof co.event.before, "generation=%d", cu.card_gen);
    snprintf(co.event.after, sizeof co.event.after, "generation=%d consumed=%d fee=%lld",
             card.generation, consumed, (long long)fee_fen);
    return vend_finish(c, s, &co, v.img, out, e);
}

/* --- M14 制退电卡 ---------------------------------------------------------------------- */

int vend_make_refund_card(struct kwh_core *c, const struct kwh_session *s, uint32_t customer_no,
                          struct kwh_err *e)
{
    struct vend_card v;
    struct kwh_card card;
    struct cardop co;
    int rc;

    if ((rc = need_operator(s, e)) < 0 || (rc = vend_load_account_card(c, customer_no, &v, e)) < 0)
        return rc;
    memset(&co, 0, sizeof co);
    co.op.kind = KWH_OP_REFUND_CARD;
    co.op.customer_id = v.cust.id;
    cardop_expect(&co, &v.cust);
    memcpy(co.op.serial, v.card.serial, CARD_SERIAL_LEN);
    card = v.card;
    card.type = KWH_CARD_REFUND;
    card.flags = 0;
    card.issued = (uint32_t)core_now(c);
    if ((rc = card_encode(v.img, &card, &c->keys, co.op.new_image, e)) < 0)
        return rc;
    co.audit_op = "refund-card";
    snprintf(co.audit_subject, sizeof co.audit_subject, "account %08u", v.cust.customer_no);
    snprintf(co.audit_detail, sizeof co.audit_detail, "count=%u balance=%lld", card.purchase_count,
             (long long)v.cust.balance_ckwh);
    return vend_finish(c, s, &co, v.img, NULL, e);
}

/* --- M15 读卡退电 ---------------------------------------------------------------------- */

/* Free allowance granted this calendar month: not refunded as money. */
static int64_t month_free(struct kwh_core *c, const struct vend_card *v)
{
    if (v->cust.free_month == month_of(core_now(c)) && v->has_last_sale)
        return v->last_sale.free_ckwh;
    return 0;
}

static int refund_quote(struct kwh_core *c, struct vend_card *v, struct kwh_refund_quote *q,
                        struct kwh_err *e)
{
    const struct kwh_card_return *r = &v->card.ret;
    int64_t energy, keep;
    int rc;

    memset(q, 0, sizeof *q);
    if ((rc = vend_load(c, v, e)) < 0)
        return rc;
    if (v->card.type != KWH_CARD_REFUND)
        return kwh_err_set(e, KWH_ECARD,
                           "the card in the reader is a %s card, not a refund "
                           "card: make one with 制退电卡 first",
                           kwh_trc("card", card_type_name(v->card.type)));
    if (v->cust.status == KWH_CUST_REFUNDED)
        return kwh_err_set(e, KWH_ECONFLICT, "account %08u was already refunded",
                           v->cust.customer_no);
    if (v->cust.status != KWH_CUST_OPEN)
        return kwh_err_set(e, KWH_ECONFLICT, "account %08u is %s", v->cust.customer_no,
                           kwh_trc("status", model_status_name(v->cust.status)));
    if (!r->valid || !(r->status & CARD_RS_REFUNDED) || r->meter_no != v->card.meter_no)
        return kwh_err_set(e, KWH_ECONFLICT,
                           "the meter has not written on this refund card "
                           "yet: insert it in meter %08u, then read it here",
                           v->card.meter_no);
    q->customer = v->cust;
    q->remaining_ckwh = r->remaining_ckwh;
    q->unloaded_ckwh = r->loaded_count < v->card.purchase_count ? v->card.purchase_ckwh : 0;
    energy = q->remaining_ckwh + q->unloaded_ckwh;
    keep = month_free(c, v);
    if (keep > energy)
        keep = energy > 0 ? energy : 0;
    q->refund_ckwh = energy - keep;
    q->price = v->has_last_sale ? v->last_sale.price : v->cust.price;
    q->amount_fen = units_refund_for_energy(q->refund_ckwh, q->price);
    return 0;
}

int vend_refund_quote(struct kwh_core *c, const struct kwh_session *s, struct kwh_refund_quote *out,
                      struct kwh_err *e)
{
    struct vend_card v;
    int rc;
    if ((rc = need_operator(s, e)) < 0)
        return rc;
    return refund_quote(c, &v, out, e);
}

int vend_refund(struct kwh_core *c, const struct kwh_session *s, uint32_t customer_no,
                int pay_method, struct kwh_receipt *out, struct kwh_err *e)
{
    struct kwh_refund_quote q;
    struct vend_card v;
    struct kwh_sale sale;
    struct kwh_customer cu;
    char subject[32], detail[160];
    int64_t now = core_now(c);
    int rc;

    if ((rc = need_operator(s, e)) < 0 || (rc = refund_quote(c, &v, &q, e)) < 0)
        return rc;
    if (q.customer.customer_no != customer_no)
        return kwh_err_set(e, KWH_ECONFLICT,
                           "the refund card in the reader belongs to account "
                           "%08u, not %08u: read it again",
                           q.customer.customer_no, customer_no);
    if (pay_method < 0 || pay_method >= KWH_PAY_COUNT)
        return kwh_err_set(e, KWH_EINVAL, "choose how the money is paid out");
    cu = q.customer;
    memset(&sale, 0, sizeof sale);
    sale.kind = KWH_OP_REFUND;
    sale.state = KWH_STATE_PENDING;
    sale.customer_id = cu.id;
    str_copy(sale.customer_name, sizeof sale.customer_name, cu.name);
    str_copy(sale.customer_address, sizeof sale.customer_address, cu.address);
    str_copy(sale.customer_phone, sizeof sale.customer_phone, cu.phone);
    str_copy(sale.tariff_name, sizeof sale.tariff_name, cu.tariff_name);
    sale.meter_no = cu.meter.meter_no;
    sale.purchase_count = v.card.purchase_count;
    sale.energy_ckwh = -q.refund_ckwh;
    sale.price = q.price;
    sale.tariff_id = cu.tariff_id;
    sale.amount_fen = -q.amount_fen;
    sale.pay_method = pay_method;
    sale.operator_id = s->operator_id;
    sale.created = now;
    cu.status = KWH_CUST_REFUNDED;
    cu.balance_ckwh = 0;
    cu.loaded_count = v.card.ret.loaded_count;
    snprintf(subject, sizeof subject, "account %08u", cu.customer_no);
    snprintf(detail, sizeof detail,
             "remaining=%lld unloaded=%lld refund=%lld price=%lld "
             "amount=%lld pay=%s",
             (long long)q.remaining_ckwh, (long long)q.unloaded_ckwh, (long long)q.refund_ckwh,
             (long long)q.price, (long long)q.amount_fen, model_pay_name(pay_method));
    /* no card write: the refund is one transaction */
    if ((rc = store_begin(c->db, e)) < 0)
        return rc;
    if ((rc = store_sale_insert(c->db, &sale, e)) < 0 ||
        (rc = store_sale_settle(c->db, sale.id, KWH_STATE_DONE, now, e)) < 0 ||
        (rc = store_customer_update(c->db, &cu, e)) < 0 ||
        (rc = audit_append(c, s->name, "refund", subject, "status=open", detail, e)) < 0) {
        store_rollback(c->db);
        return rc;
    }
    if ((rc = store_commit(c->db, e)) < 0)
        return rc;
    if (out == NULL)
        return 0;
    memset(out, 0, sizeof *out);
    if ((rc = store_sale_get(c->db, sale.id, &out->sale, e)) < 0)
        return rc;
    out->customer = cu;
    {
        struct kwh_site site;
        if ((rc = settings_get(c, &site, e)) < 0)
            return rc;
        str_copy(out->unit_name, sizeof out->unit_name, site.unit_name);
        str_copy(out->unit_phone, sizeof out->unit_phone, site.unit_phone);
    }
    return 0;
}

/* --- M16 换表 ------------------------------------------------------------------------- */

int vend_meter_change(struct kwh_core *c, const struct kwh_session *s, uint32_t customer_no,
                      const struct kwh_meter_change_req *m, const struct kwh_purchase_req *p,
                      struct kwh_receipt *out, struct kwh_err *e)
{
    struct vend_card v;
    struct kwh_customer other, target;
    struct kwh_quote q;
    struct kwh_card card;
    struct cardop co;
    struct kwh_meter nm = m->meter;
    bool purchase = p != NULL && p->mode != KWH_BY_NONE;
    int64_t carried, unloaded, now = core_now(c);
    int rc;

    if ((rc = auth_permit(s, KWH_ACT_METER_CHANGE, 0, e)) < 0)
        return rc;
    if (nm.ct_ratio == 0)
        nm.ct_ratio = 1;
    if ((rc = check_meter(c, &nm, e)) < 0)
        return rc;
    if (m->old_remaining_ckwh < -UNITS_MAX_CKWH || m->old_remaining_ckwh > UNITS_MAX_CKWH)
        return kwh_err_set(e, KWH_EINVAL,
                           "old meter's remaining energy: -999999.99 to "
                           "999999.99 kWh");
    if ((rc = vend_load_account_card(c, customer_no, &v, e)) < 0)
        return rc;
    if (store_customer_by_meter(c->db, nm.meter_no, &other, NULL) == 0 && other.id != v.cust.id)
        return kwh_err_set(e, KWH_ECONFLICT,
                           "meter number %08u already belongs to account "
                           "%08u (%s)",
                           nm.meter_no, other.customer_no, other.name);
    /* the purchase the old meter never loaded moves to the new meter too; when the card
       cannot say (its report damaged, or another meter's) carrying it could count it
       twice, and not carrying it could lose it */
    if (!vend_purchase_in_meter(&v) && vend_report_unknown(&v))
        return kwh_err_set(e, KWH_ECONFLICT,
                           "the meter's report on the card is damaged or "
                           "another meter's, so whether meter %08u took the last purchase is "
                           "unknown: put the card in meter %08u and read it again; if that "
                           "meter no longer reads cards, reissue the card (补卡, saying whether "
                           "the purchase was consumed) and change the meter then",
                           v.card.meter_no, v.card.meter_no);
    unloaded = vend_purchase_in_meter(&v) ? 0 : v.card.purchase_ckwh;
    carried = m->old_remaining_ckwh + unloaded;
    target = v.cust;
    target.meter = nm;
    memset(&q, 0, sizeof q);
    q.price = v.cust.price;
    if (purchase && (rc = vend_compute(c, &target, p, NULL, carried > 0 ? carried : 0, &q, e)) < 0)
        return rc;
    if (carried + q.card_ckwh < 0)
        return kwh_err_set(e, KWH_ECONFLICT,
                           "the old meter's overdraft of %lld.%02lld kWh must "
                           "be covered by a purchase with the meter change",
                           (long long)(-carried / 100), (long long)(-carried % 100));
    if (carried + q.card_ckwh > nm.hoard_ckwh)
        return kwh_err_set(e, KWH_ECONFLICT,
                           "the carried and bought energy (%lld.%02lld kWh) "
                           "exceeds the new meter's hoard limit",
                           (long long)((carried + q.card_ckwh) / 100),
                           (long long)((carried + q.card_ckwh) % 100));
    if (v.card.purchase_count >= 65535)
        return kwh_err_set(e, KWH_ECONFLICT, "the card's purchase count is exhausted");

    memset(&co, 0, sizeof co);
    co.op.kind = KWH_OP_METER_CHANGE;
    co.op.customer_id = v.cust.id;
    cardop_expect(&co, &v.cust);
    memcpy(co.op.serial, v.card.serial, CARD_SERIAL_LEN);
    co.op.has_meter = true;
    co.op.meter = nm;
    co.op.new_balance_ckwh = carried + q.card_ckwh;
    vend_base_card(&target, &card, now);
    card.purchase_count = (uint16_t)(v.card.purchase_count + 1);
    card.purchase_ckwh = (uint32_t)(carried + q.card_ckwh);
    card.free_ckwh = (uint32_t)q.free_ckwh;
    card.flags = CARD_F_KEYX; /* the new meter learns the site key from it */
    if ((rc = card_encode(v.img, &card, &c->keys, co.op.new_image, e)) < 0)
        return rc;
    vend_fill_sale(&co.sales[0], KWH_OP_METER_CHANGE, &target, &q, p, card.purchase_count);
    co.nsales = 1;
    co.audit_op = "meter-change";
    snprintf(co.audit_subject, sizeof co.audit_subject, "account %08u", v.cust.customer_no);
    snprintf(co.audit_detail, sizeof co.audit_detail,
             "meter=%08u->%08u old_remaining=%lld unloaded=%lld purchase=%lld amount=%lld",
             v.cust.meter.meter_no, nm.meter_no, (long long)m->old_remaining_ckwh,
             (long long)unloaded, (long long)q.card_ckwh, (long long)q.amount_fen);
    co.has_event = true;
    co.event.kind = KWH_OP_METER_CHANGE;
    snprintf(co.event.before, sizeof co.event.before,
             "meter=%08u type=%d limit=%d "
             "remaining=%lld",
             v.cust.meter.meter_no, v.cust.meter.meter_type, v.cust.meter.current_limit_a,
             (long long)m->old_remaining_ckwh);
    snprintf(co.event.after, sizeof co.event.after,
             "meter=%08u type=%d limit=%d carried=%lld "
             "bought=%lld",
             nm.meter_no, nm.meter_type, nm.current_limit_a, (long long)carried,
             (long long)q.card_ckwh);
    return vend_finish(c, s, &co, v.img, out, e);
}
