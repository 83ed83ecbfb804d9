/* SPDX-License-Identifier: Apache-2.0 */
/* 冲正: a sale recorded wrongly is reversed by a new entry linked to it, never edited
 * (docs/units.md). The reversal cancels the sale's money — the energy's, the fees and the
 * arrears recovered (owed again) — and an optional correction records it as it should
 * have been: another payment method or reference, another amount for the same energy. The
 * energy stays on the card or in the meter: money only, in one transaction; once the meter
 * has reported the purchase loaded, only a correction (its money cannot be cancelled).
 * With the customer's card still holding the purchase unloaded (what 重新售电 needs), the
 * reversal takes the energy back as well: the card is written back to the purchase before
 * it, through the plan's card protocol, and the entry settles with the write. Four eyes:
 * the operator who asks commits, an administrator (another person) approves with their
 * password. */
#include <stdio.h>
#include <string.h>

#include "core/plan_int.h"
#include "store/store.h"
#include "store/store_invoice.h"
#include "kwhpos/units.h"
#include "kwhpos/util.h"

/* The kinds whose money can be reversed: the purchases and the reissue fee. */
static bool reversible(int kind)
{
    return (model_op_kinds(KWH_OPF_PURCHASE) & ((int64_t)1 << kind)) != 0 || kind == KWH_OP_REISSUE;
}

/* A row of the reversal from the original sale o: its account, meter and tariff, no
 * energy, and the money given. */
static void money_row(struct kwh_sale *row, const struct kwh_sale *o)
{
    memset(row, 0, sizeof *row);
    row->kind = KWH_OP_REVERSAL;
    row->customer_id = o->customer_id;
    row->customer_no = o->customer_no;
    str_copy(row->customer_name, sizeof row->customer_name, o->customer_name);
    str_copy(row->customer_address, sizeof row->customer_address, o->customer_address);
    str_copy(row->customer_phone, sizeof row->customer_phone, o->customer_phone);
    row->meter_no = o->meter_no;
    row->purchase_count = o->purchase_count;
    row->price = o->price;
    row->tariff_id = o->tariff_id;
    str_copy(row->tariff_name, sizeof row->tariff_name, o->tariff_name);
    row->reverses_id = o->id;
}

/* The tier and fee lines of a reversal's entry, so that the reports' totals per tier and
 * per fee are netted as its money is (docs/units.md): the reversal carries the
 * original's lines negated (sign -1); a correction (sign 1) carries them again, the tiers'
 * money shared out in proportion when the amount differs (each tier but the last rounded
 * down, the last takes the rest: the lines add up to amount_fen). */
static void reversal_items(struct kwh_sale *row, const struct kwh_sale *o, int sign,
                           int64_t amount_fen)
{
    int64_t rest = amount_fen, prod;
    size_t last = o->nitems;

    for (size_t i = 0; i < o->nitems; i++)
        if (o->items[i].item == KWH_ITEM_TIER)
            last = i;
    row->nitems = o->nitems;
    for (size_t i = 0; i < o->nitems; i++) {
        struct kwh_sale_item *it = &row->items[i];
        *it = o->items[i];
        if (it->item == KWH_ITEM_TIER && amount_fen != o->amount_fen) {
            if (i == last)
                it->fen = rest;
            else if (o->amount_fen > 0 && !__builtin_mul_overflow(it->fen, amount_fen, &prod))
                it->fen = prod / o->amount_fen;
            rest -= it->fen;
        }
        it->ckwh *= sign;
        it->fen *= sign;
    }
}

/* Whether the energy of sale o can come back off the card v: the card is o's account's,
 * o is its last purchase and the meter has not taken it (resale_replaceable's rule). */
static int energy_on_card(struct kwh_core *c, const struct kwh_sale *o, struct seen_card *v,
                          struct kwh_err *e)
{
    int rc;

    if (o->kind == KWH_OP_OPEN)
        return kwh_err_set(e, KWH_ECONFLICT,
                           "invoice %lld opened the account: its energy cannot come back off "
                           "the card (the meter is opened with it); reverse its money only, "
                           "or re-sell it (重新售电)",
                           (long long)o->invoice_no);
    if ((rc = rules_account_card(c, v, e)) < 0)
        return rc;
    if (v->cust.id != o->customer_id)
        return kwh_err_set(e, KWH_ECONFLICT,
                           "the card in the reader is account %08u's, not account %08u's of "
                           "invoice %lld: read the right card",
                           v->cust.customer_no, o->customer_no, (long long)o->invoice_no);
    if (cardview_purchase_in_meter(v))
        return kwh_err_set(e, KWH_ECONFLICT,
                           "invoice %lld's purchase is already in the meter: its energy cannot "
                           "be taken back, only its money reversed (without the energy)",
                           (long long)o->invoice_no);
    if (!v->has_last_sale || v->last_sale.id != o->id)
        return kwh_err_set(e, KWH_ECONFLICT,
                           "invoice %lld is not the last purchase on this card: its energy "
                           "cannot be taken back, only its money reversed (without the energy)",
                           (long long)o->invoice_no);
    if ((rc = resale_replaceable(c, v, e)) < 0)
        return kwh_err_prefix(e, "the energy cannot be taken back");
    return 0;
}

/* The card as it was before purchase o (count - 1, the purchase before it), flagged as
 * holding no new purchase, so the meter answers good and loads nothing. */
static int card_before(struct kwh_core *c, struct kwh_plan *p, const struct seen_card *v,
                       const struct kwh_sale *o, struct kwh_err *e)
{
    int64_t before = o->id, kinds = model_op_kinds(KWH_OPF_PURCHASE), ckwh = 0, free_ckwh = 0;
    struct kwh_sale prev;
    int rc;

    while ((rc = store_sale_last_of_kinds(c->db, o->customer_id, kinds, before, &prev, e)) == 0) {
        if (prev.purchase_count < o->purchase_count) {
            if (prev.purchase_count == o->purchase_count - 1) {
                ckwh = model_sale_card_ckwh(&prev);
                free_ckwh = prev.free_ckwh;
            }
            break;
        }
        before = prev.id;
    }
    if (rc < 0 && rc != KWH_ENOTFOUND)
        return rc;
    kwh_err_clear(e);
    return plan_user_card(c, p, &v->cust, v->img, o->purchase_count - 1, ckwh, free_ckwh,
                          (uint8_t)(CARD_F_NO_PURCHASE | (v->card.flags & CARD_F_KEYX)), e);
}

int reversal_plan(struct kwh_core *c, const struct kwh_session *s, const struct kwh_reversal_req *r,
                  struct kwh_plan **out, struct kwh_err *e)
{
    return reversal_plan_card(c, s, r, NULL, out, e);
}

int reversal_plan_card(struct kwh_core *c, const struct kwh_session *s,
                       const struct kwh_reversal_req *r, const struct kwh_card_view *card,
                       struct kwh_plan **out, struct kwh_err *e)
{
    struct kwh_sale o, rev, fix;
    struct kwh_customer cu;
    struct seen_card v;
    struct kwh_plan *p;
    int64_t n, sum, first;
    int pay = KWH_PAY_CASH, rc;

    *out = NULL;
    if ((rc = need_operator(s, e)) < 0)
        return rc;
    if (text_check_line(KWH_N("reason"), r->reason, e) < 0)
        return KWH_EINVAL;
    if (r->reason[0] == '\0' || !utf8_is_clean_line(r->reason) || strlen(r->reason) >= KWH_TEXT_MAX)
        return kwh_err_set(e, KWH_EINVAL, "reversal: give the reason, in one line");
    if ((rc = store_invoice_get(c->db, r->invoice_no, &o, e)) < 0)
        return rc;
    if (o.kind == KWH_OP_REVERSAL)
        return kwh_err_set(e, KWH_ECONFLICT,
                           "invoice %lld is itself a reversal: a reversal is not reversed",
                           (long long)r->invoice_no);
    if (!reversible(o.kind) || (o.amount_fen <= 0 && o.fee_fen <= 0 && o.arrears_fen <= 0))
        return kwh_err_set(e, KWH_ECONFLICT, "invoice %lld took no money: nothing to reverse",
                           (long long)r->invoice_no);
    if ((rc = store_sale_reversed(c->db, o.id, &n, &sum, &first, e)) < 0)
        return rc;
    if (n > 0)
        return kwh_err_set(e, KWH_ECONFLICT, "invoice %lld was already reversed (invoice %lld)",
                           (long long)r->invoice_no, (long long)first);
    if (r->correct) {
        pay = r->pay_method < 0 ? o.pay_method : r->pay_method;
        if (model_name(model_pays, KWH_PAY_COUNT, pay) == NULL)
            return kwh_err_set(e, KWH_EINVAL, "choose how the customer paid");
        if ((rc = rules_check_pay_ref(pay, r->pay_ref, e)) < 0)
            return rc;
        if (r->amount_fen < -1 || r->amount_fen > UNITS_MAX_FEN)
            return kwh_err_set(e, KWH_EINVAL, "amount: 0 yuan or more");
    }
    if (r->energy && r->correct)
        return kwh_err_set(e, KWH_EINVAL,
                           "a reversal that takes the energy back cancels the sale whole: no "
                           "correction with it (to change the amount on the card, re-sell it: "
                           "重新售电)");
    if (r->energy && card == NULL)
        return kwh_err_set(e, KWH_EINVAL,
                           "the energy comes back off the customer's card: put it in the "
                           "reader and read it, or reverse the money only");
    if (r->energy) {
        if ((rc = cardview_check(c, card->img, &v, e)) < 0 ||
            (rc = energy_on_card(c, &o, &v, e)) < 0)
            return rc;
    }
    if ((rc = store_customer_get(c->db, o.customer_id, &cu, e)) < 0)
        return rc;
    /* energy the meter has taken was sold: its money can be put right, never cancelled
       (the customer would keep it unpaid) */
    if (!r->correct && o.energy_ckwh > 0 && o.purchase_count > 0 &&
        cu.loaded_count >= o.purchase_count) {
        char kwh[32];
        fixed_format(o.energy_ckwh, 2, kwh, sizeof kwh);
        return kwh_err_set(e, KWH_ECONFLICT,
                           "invoice %lld's %s kWh are in the meter (it reported the purchase "
                           "loaded): its money cannot be cancelled, only corrected — record the "
                           "payment method, reference or amount as it was really paid",
                           (long long)r->invoice_no, kwh);
    }
    if ((p = plan_new(c, s, KWH_OP_REVERSAL, e)) == NULL)
        return e ? e->code : KWH_ENOMEM;
    p->needs_approval = true;
    if ((rc = plan_expect_account(c, p, &cu, e)) < 0)
        return plan_fail(p, rc);

    /* the reversal: the money of the original, negative, by the same payment method */
    money_row(&rev, &o);
    rev.amount_fen = -o.amount_fen;
    rev.fee_fen = -o.fee_fen;
    rev.arrears_fen = -o.arrears_fen;
    rev.pay_method = o.pay_method;
    reversal_items(&rev, &o, -1, o.amount_fen);
    if (r->energy) {
        /* the purchase off the card: settled with the write, as a re-sale is (the
           balance, the period's kWh and the arrears owed again by the entry itself) */
        rev.energy_ckwh = -o.energy_ckwh;
        rev.adjust_ckwh = -o.adjust_ckwh;
        rev.free_ckwh = -o.free_ckwh;
        rev.period_start = o.period_start;
        if ((rc = card_before(c, p, &v, &o, e)) < 0)
            return plan_fail(p, rc);
        p->v.reverses_energy = true;
    }
    plan_add_sale(p, &rev);
    p->v.has_replaced = true;
    p->v.replaced = o;
    p->cu_after = cu;
    if (!r->energy)
        p->cu_after.arrears_fen += o.arrears_fen; /* owed again, unless corrected */
    if (r->correct) {
        money_row(&fix, &o);
        fix.amount_fen = r->amount_fen >= 0 ? r->amount_fen : o.amount_fen;
        fix.fee_fen = o.fee_fen;
        fix.arrears_fen = o.arrears_fen;
        fix.pay_method = pay;
        str_copy(fix.pay_ref, sizeof fix.pay_ref, r->pay_ref);
        reversal_items(&fix, &o, 1, fix.amount_fen);
        if (r->pay_ref[0] != '\0') {
            struct kwh_sale other;
            rc = store_sale_by_ref(c->db, pay, r->pay_ref, o.id, &other, e);
            if (rc == 0)
                return plan_fail(p, kwh_err_set(e, KWH_ECONFLICT,
                                                "payment reference %s was already recorded "
                                                "with invoice %lld (account %08u): a payment "
                                                "is recorded once",
                                                r->pay_ref, (long long)other.invoice_no,
                                                other.customer_no));
            if (rc != KWH_ENOTFOUND)
                return plan_fail(p, rc);
            kwh_err_clear(e);
        }
        plan_add_sale(p, &fix);
        p->v.has_correction = true;
        p->v.correction = fix;
        p->cu_after.arrears_fen -= o.arrears_fen;
    }
    if (p->cu_after.arrears_fen != cu.arrears_fen)
        p->cu_fields = STORE_CU_MONEY;
    p->v.difference_fen = (r->correct ? fix.amount_fen + fix.fee_fen + fix.arrears_fen : 0) -
                          (o.amount_fen + o.fee_fen + o.arrears_fen);
    plan_audit(p, "reversal", "",
               "invoice=%lld reason=%s requested_by=%s amount=%lld fee=%lld arrears=%lld "
               "pay=%s correction=%s energy=%lld",
               (long long)o.invoice_no, r->reason, s->name, (long long)o.amount_fen,
               (long long)o.fee_fen, (long long)o.arrears_fen, model_pay_name(o.pay_method),
               r->correct ? model_pay_name(pay) : "none", (long long)rev.energy_ckwh);
    if (r->correct) {
        size_t len = strlen(p->audit_detail);
        snprintf(p->audit_detail + len, sizeof p->audit_detail - len, " corrected_amount=%lld",
                 (long long)fix.amount_fen);
    }
    str_copy(p->audit_before, sizeof p->audit_before, "");
    return plan_finish(c, p, out, e);
}

int reversal_approve(struct kwh_core *c, struct kwh_plan *p, const char *name, const char *password,
                     struct kwh_err *e)
{
    struct kwh_session admin;
    size_t len;
    int rc;

    if (p == NULL || !p->needs_approval)
        return kwh_err_set(e, KWH_EINVAL, "nothing to approve: plan the reversal first");
    if ((rc = auth_login(c, name, password, &admin, e)) < 0)
        return rc;
    if (admin.role != KWH_ROLE_ADMIN)
        return kwh_err_set(e, KWH_EPERM,
                           "%s is not an administrator: a reversal is approved by "
                           "an administrator",
                           admin.name);
    if (admin.operator_id == p->operator_id)
        return kwh_err_set(e, KWH_EPERM,
                           "a reversal is approved by another person than the one who asks "
                           "for it");
    p->approver_id = admin.operator_id;
    str_copy(p->v.approver, sizeof p->v.approver, admin.name);
    len = strlen(p->audit_detail);
    snprintf(p->audit_detail + len, sizeof p->audit_detail - len, " approved_by=%s", admin.name);
    return 0;
}
