/* SPDX-License-Identifier: Apache-2.0 */
/* 补卡售电 (M13): a new card for an account on the blank card in the reader. The clerk
 * says whether the lost card's last purchase reached the meter (已消费): the new card
 * then carries no purchase or a new one; otherwise (未消费) it carries that purchase
 * again. The new card's generation makes the meter refuse the old one. */
#include <stdio.h>
#include <string.h>

#include "core/plan_int.h"
#include "kwhpos/money.h"
#include "kwhpos/units.h"
#include "kwhpos/util.h"
#include "kwhpos/card.h"
#include "kwhpos/cardprofile.h"
#include "store/store.h"

/* The lost card's unsettled writes: the reissue takes them over as done (the new card
 * carries what they wrote, and the old card stops working at the meter), except a write
 * known not to have taken effect, which it cancels: the clerk was told so. The plan
 * lists them, and works on the account as taking them over leaves it (cu) with the last
 * card written (last). */
static int take_over(struct kwh_core *c, struct kwh_plan *p, struct kwh_customer *cu,
                     struct kwh_card *last, struct kwh_err *e)
{
    struct store_op op, prev;
    int64_t ids[PLAN_MAX_PENDING];
    size_t n, all;
    bool have_last = false;
    int rc;

    if ((rc = store_ops_pending_for_serial(c->db, cu->card_serial, ids, PLAN_MAX_PENDING, &n, e)) <
            0 ||
        (rc = store_ops_pending_for_customer(c->db, cu->id, NULL, 0, &all, e)) < 0)
        return rc;
    if (all != n)
        return kwh_err_set(e, KWH_ECONFLICT,
                           "a card write for account %08u is not settled: read that card first",
                           cu->customer_no);
    p->ntake = n;
    for (size_t i = 0; i < n; i++) {
        struct kwh_sale sales[4];
        size_t ns;
        unsigned fields;
        p->take[i] = ids[i];
        if ((rc = store_op_not_written(c->db, ids[i], &p->take_void[i], e)) < 0)
            return rc;
        if (p->take_void[i])
            continue;
        if ((rc = store_op_get(c->db, ids[i], &op, e)) < 0 ||
            (rc = store_sales_for_op(c->db, op.id, sales, 4, &ns, e)) < 0 ||
            (rc = settle_effects(c, &op, sales, ns, cu, &fields, core_now(c), e)) < 0 ||
            (rc = card_decode(c->profile, op.new_image, &c->keys, last, e)) < 0)
            return rc;
        have_last = true;
    }
    if (have_last)
        return 0;
    if ((rc = store_op_last_done_for_customer(c->db, cu->id, &prev, e)) < 0)
        return rc;
    return card_decode(c->profile, prev.new_image, &c->keys, last, e);
}

/* The evidence for account cu (as the reissue would take over its pending writes: cu
 * after them, pending whether there were any that took effect). */
static int evidence_of(struct kwh_core *c, const struct kwh_customer *cu, bool pending,
                       struct kwh_reissue_evidence *ev, struct kwh_err *e)
{
    memset(ev, 0, sizeof *ev);
    ev->purchase_count = cu->purchase_count;
    ev->loaded_count = cu->loaded_count;
    ev->pending = pending;
    /* only the meter's own report says a purchase is in it; a write that was pending
       was being made at the counter, so its meter cannot have seen it yet */
    ev->loaded = !pending && cu->loaded_count >= cu->purchase_count;
    return cardview_last_purchase(c, cu->id, &ev->last_sale, &ev->has_last_sale, e);
}

int reissue_evidence(struct kwh_core *c, const struct kwh_session *s, uint32_t customer_no,
                     struct kwh_reissue_evidence *out, struct kwh_err *e)
{
    struct kwh_customer cu;
    size_t pending;
    int rc;

    memset(out, 0, sizeof *out);
    if ((rc = need_operator(s, e)) < 0 ||
        (rc = store_customer_by_no(c->db, customer_no, &cu, e)) < 0 ||
        (rc = store_ops_pending_for_customer(c->db, cu.id, NULL, 0, &pending, e)) < 0)
        return rc;
    return evidence_of(c, &cu, pending > 0, out, e);
}

int reissue_plan(struct kwh_core *c, const struct kwh_session *s, uint32_t customer_no,
                 const struct kwh_card_view *blank, bool consumed, int64_t fee_fen,
                 const struct kwh_purchase_req *req, struct kwh_plan **out, struct kwh_err *e)
{
    struct kwh_customer read, cu;
    struct kwh_card old_card, card;
    struct rules_quote q;
    struct kwh_sale sale;
    struct seen_card v;
    struct kwh_plan *p;
    bool purchase = req != NULL && req->mode != KWH_BY_NONE;
    char subject[32];
    int rc;

    *out = NULL;
    if ((rc = need_operator(s, e)) < 0)
        return rc;
    if (fee_fen != KWH_FEE_SITE && (fee_fen < 0 || fee_fen > UNITS_MAX_FEN))
        return kwh_err_set(e, KWH_EINVAL, "reissue fee: 0 to %lld.%02lld yuan",
                           (long long)(UNITS_MAX_FEN / 100), (long long)(UNITS_MAX_FEN % 100));
    if (purchase && !consumed)
        return kwh_err_set(e, KWH_EINVAL,
                           "with 未消费 the new card carries the purchase the "
                           "meter has not loaded; sell again after it has been in the meter");
    if ((p = plan_new(c, s, KWH_OP_REISSUE, e)) == NULL)
        return e ? e->code : KWH_ENOMEM;
    if (fee_fen == KWH_FEE_SITE)
        fee_fen = p->site.reissue_fee_fen;
    if ((purchase && (rc = rules_check_request(req, &p->site, e)) < 0) ||
        (rc = plan_account_by_no(c, p, customer_no, &read, e)) < 0)
        return plan_fail(p, rc);
    /* a refunded account's meter was emptied and its energy paid back, the purchase on
       its last card included: a new card would carry that purchase again */
    if (read.status == KWH_CUST_REFUNDED)
        return plan_fail(p, kwh_err_set(e, KWH_ECONFLICT,
                                        "account %08u was refunded (读卡退电): no card is "
                                        "issued for it any more; close it (销户) and open a "
                                        "new account",
                                        customer_no));
    if (read.status != KWH_CUST_OPEN)
        return plan_fail(
            p, kwh_err_set(e, KWH_ECONFLICT, "account %08u is %s: no card can be issued for it",
                           customer_no, kwh_trc("status", model_status_name(read.status))));
    if ((rc = cardview_check(c, blank->img, &v, e)) < 0 || (rc = rules_blank_card(&v, e)) < 0)
        return plan_fail(p, rc);
    cu = read;
    if ((rc = take_over(c, p, &cu, &old_card, e)) < 0 ||
        (rc = plan_expect_customer(c, p, &read, e)) < 0)
        return plan_fail(p, rc);
    {
        bool took = false;
        for (size_t i = 0; i < p->ntake; i++)
            took = took || !p->take_void[i];
        if ((rc = evidence_of(c, &cu, took, &p->v.evidence, e)) < 0)
            return plan_fail(p, rc);
        p->v.against_evidence = consumed != p->v.evidence.loaded;
    }
    cu.price = read.price;
    str_copy(cu.tariff_name, sizeof cu.tariff_name, read.tariff_name);
    if ((rc = plan_price(c, p, &cu, purchase ? req : NULL, NULL, rules_hoard_base(&cu), &q, e)) < 0)
        return plan_fail(p, rc);

    p->op.reissue_consumed = consumed;
    rules_user_card(&cu, &card, core_now(c));
    rules_card_serial(&v, card.serial);
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
    if ((rc = plan_write_card(c, p, v.img, &card, e)) < 0)
        return plan_fail(p, rc);
    rules_fill_sale(&sale, KWH_OP_REISSUE, &cu, &q, purchase ? req : NULL, card.purchase_count);
    if (fee_fen > 0 && sale.nitems < KWH_ITEMS_MAX) {
        /* the card fee, one of the fee types (ref 0: the site's reissue fee) */
        struct kwh_sale_item *it = &sale.items[sale.nitems++];
        memset(it, 0, sizeof *it);
        it->item = KWH_ITEM_FEE;
        it->ref = 0;
        str_copy(it->name, sizeof it->name, fee_kind_label(KWH_FEE_CARD));
        it->fen = fee_fen;
        sale.fee_fen += fee_fen;
    }
    plan_add_sale(p, &sale);
    p->v.consumed = consumed;
    snprintf(subject, sizeof subject, "account %08u", cu.customer_no);
    plan_audit(p, "reissue", subject,
               "consumed=%d fee=%lld generation=%d->%d count=%u energy=%lld amount=%lld", consumed,
               (long long)fee_fen, cu.card_gen, card.generation, card.purchase_count,
               (long long)q.energy_ckwh, (long long)q.amount_fen);
    p->has_event = true;
    p->event.kind = KWH_OP_REISSUE;
    snprintf(p->event.before, sizeof p->event.before, "generation=%d", cu.card_gen);
    snprintf(p->event.after, sizeof p->event.after, "generation=%d consumed=%d fee=%lld",
             card.generation, consumed, (long long)fee_fen);
    /* the reissue applies to the account as it stands after the take-over */
    if (p->ntake > 0) {
        p->has_base = true;
        p->base = cu;
    }
    return plan_finish(c, p, out, e);
}
