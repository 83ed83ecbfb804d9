/* SPDX-License-Identifier: Apache-2.0 */
/* A plan and its commit (kwhpos/plan.h, docs/architecture.md).
 *
 * An operation file builds a plan from the card as read and the request; plan_commit
 * executes it exactly:
 *   1. a plan that writes a card first reads the card whole: it must be byte for byte
 *      the card the plan was built from;
 *   2. one BEGIN IMMEDIATE transaction checks every expectation the plan was built on
 *      (settings version, tariff price version, allowance month, the account as read,
 *      its pending writes, the meter number free) and records the intent: the op row
 *      (`pending`) with the exact record the card will show, its sales, a new account,
 *      the event row, the audit record;
 *   3. the card is written (in its layout's order, the commit point last) and read back;
 *   4. one short transaction settles it `done` (effects applied) or `void`; when the
 *      outcome is unknown (card pulled at the commit byte) it stays pending and is
 *      settled the next time that card is read.
 * An operation without a card write (transfer, closing, refund, a text edit) checks the
 * same expectations and applies itself in one transaction. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/plan_int.h"
#include "kwhpos/util.h"
#include "kwhpos/card.h"
#include "kwhpos/cardprofile.h"
#include "kwhpos/cardwrite.h"
#include "store/store.h"

/* --- building ----------------------------------------------------------------------- */

struct kwh_plan *plan_new(struct kwh_core *c, const struct kwh_session *s, int kind,
                          struct kwh_err *e)
{
    struct kwh_plan *p = calloc(1, sizeof *p);

    if (p == NULL) {
        kwh_err_set(e, KWH_ENOMEM, "out of memory");
        return NULL;
    }
    p->v.kind = kind;
    p->op.kind = kind;
    p->operator_id = s->operator_id;
    /* the version first: a change between the two reads then shows at commit */
    if (store_settings_version(c->db, &p->x.settings_version, e) < 0 ||
        settings_get(c, &p->site, e) < 0) {
        free(p);
        return NULL;
    }
    /* the layout as the site has it now (another terminal may have chosen it before the
       first card); a change after this is caught with the settings version */
    if (strcmp(p->site.card_profile, c->profile->id) != 0 && core_reload_profile(c, e) < 0) {
        free(p);
        return NULL;
    }
    return p;
}

int plan_fail(struct kwh_plan *p, int rc)
{
    plan_free(p);
    return rc;
}

void plan_free(struct kwh_plan *p)
{
    if (p != NULL)
        free(p->fees);
    free(p);
}

const struct kwh_plan_view *plan_view(const struct kwh_plan *p)
{
    return &p->v;
}

int plan_account_by_no(struct kwh_core *c, struct kwh_plan *p, uint32_t customer_no,
                       struct kwh_customer *cu, struct kwh_err *e)
{
    int rc = store_customer_by_no(c->db, customer_no, cu, e);
    if (rc < 0)
        return rc;
    return scope_permit_op(c, p->operator_id, cu->area_id, e);
}

int plan_expect_account(struct kwh_core *c, struct kwh_plan *p, const struct kwh_customer *cu,
                        struct kwh_err *e)
{
    struct store_op last;
    int rc;

    /* the operators' scope: no operation on an account outside the operator's areas */
    if ((rc = scope_permit_op(c, p->operator_id, cu->area_id, e)) < 0)
        return rc;
    p->x.account = true;
    p->x.cu = *cu;
    p->v.has_account = true;
    p->v.before = *cu;
    p->op.customer_id = cu->id;
    rc = store_op_last_done_for_customer(c->db, cu->id, &last, NULL);
    p->x.last_op_id = rc == 0 ? last.id : 0;
    p->x.npending = p->ntake;
    memcpy(p->x.pending, p->take, sizeof p->take);
    return 0;
}

int plan_expect_tariff(struct kwh_core *c, struct kwh_plan *p, int64_t tariff_id,
                       struct kwh_tariff *out, struct kwh_err *e)
{
    struct kwh_tariff t;
    int rc;

    if ((rc = store_tariff_get(c->db, tariff_id, core_now(c), &t, e)) < 0)
        return kwh_err_prefix(e, "tariff");
    p->x.tariff = true;
    p->x.tariff_id = t.id;
    p->x.price_id = t.price_id;
    p->x.price = t.price;
    str_copy(p->x.tariff_name, sizeof p->x.tariff_name, t.name);
    p->has_tariff = true;
    p->tariff = t;
    if (out != NULL)
        *out = t;
    return 0;
}

int plan_expect_customer(struct kwh_core *c, struct kwh_plan *p, struct kwh_customer *cu,
                         struct kwh_err *e)
{
    struct kwh_tariff t;
    int rc;

    if ((rc = plan_expect_tariff(c, p, cu->tariff_id, &t, e)) < 0)
        return rc;
    cu->price = t.price;
    str_copy(cu->tariff_name, sizeof cu->tariff_name, t.name);
    return plan_expect_account(c, p, cu, e);
}

void plan_expect_meter_free(struct kwh_plan *p, uint32_t meter_no, int64_t holder)
{
    p->x.meter_free = true;
    p->x.meter_no = meter_no;
    p->x.meter_holder = holder;
}

int plan_price(struct kwh_core *c, struct kwh_plan *p, const struct kwh_customer *cu,
               const struct kwh_purchase_req *req, const struct kwh_sale *replaced,
               int64_t hoard_base_ckwh, struct rules_quote *q, struct kwh_err *e)
{
    int month = rules_month(core_now(c));
    struct rules_terms terms;
    int rc;

    if (!p->has_fees && req != NULL && req->mode != KWH_BY_NONE) {
        if ((rc = store_fee_list(c->db, &p->fees, &p->nfees, e)) < 0)
            return rc;
        p->has_fees = true;
    }
    memset(&terms, 0, sizeof terms);
    terms.tariff = p->has_tariff && p->tariff.id == cu->tariff_id ? &p->tariff : NULL;
    terms.fees = p->fees;
    terms.nfees = p->nfees;
    terms.recovery_mode = p->site.recovery_mode;
    terms.recovery_value = p->site.recovery_value;
    terms.now = core_now(c);
    if ((rc = rules_price(&p->site, &terms, cu, req, replaced, hoard_base_ckwh, month, q, e)) < 0)
        return rc;
    if (q->by_month) {
        p->x.by_month = true;
        p->x.month = month;
    }
    /* the same reference twice is refused, now and at commit */
    if (req != NULL && req->pay_ref[0] != '\0') {
        struct kwh_sale other;
        int64_t except = replaced != NULL ? replaced->id : 0;
        if ((rc = store_sale_by_ref(c->db, req->pay_method, req->pay_ref, except, &other, e)) == 0)
            return kwh_err_set(e, KWH_ECONFLICT,
                               "payment reference %s was already recorded with invoice %lld "
                               "(account %08u): a payment is recorded once",
                               req->pay_ref, (long long)other.invoice_no, other.customer_no);
        if (rc != KWH_ENOTFOUND)
            return rc;
        kwh_err_clear(e);
        p->x.pay_ref = true;
        p->x.pay_method = req->pay_method;
        str_copy(p->x.ref, sizeof p->x.ref, req->pay_ref);
        p->x.ref_except = except;
    }
    return 0;
}

int plan_write_card(struct kwh_core *c, struct kwh_plan *p, const uint8_t old[KWH_CARD_SIZE],
                    const struct kwh_card *card, struct kwh_err *e)
{
    int rc;

    p->card_write = true;
    p->v.writes_card = true;
    p->v.has_card = true;
    p->v.card = *card;
    p->card = *card;
    memcpy(p->old_img, old, KWH_CARD_SIZE);
    memcpy(p->op.serial, card->serial, CARD_SERIAL_LEN);
    if ((rc = card_encode(c->profile, old, card, &c->keys, p->op.new_image, e)) < 0)
        return rc;
    return 0;
}

int plan_user_card(struct kwh_core *c, struct kwh_plan *p, const struct kwh_customer *cu,
                   const uint8_t old[KWH_CARD_SIZE], int count, int64_t card_ckwh,
                   int64_t free_ckwh, uint8_t flags, struct kwh_err *e)
{
    struct kwh_card card, prev;

    rules_user_card(cu, &card, core_now(c));
    /* a purchase onto the account's card keeps the card's issue time: only the bytes a
       purchase changes are written */
    if (card_decode(c->profile, old, NULL, &prev, NULL) == 0 && prev.type == KWH_CARD_USER &&
        memcmp(prev.serial, card.serial, CARD_SERIAL_LEN) == 0)
        card.issued = prev.issued;
    card.purchase_count = (uint16_t)count;
    card.purchase_ckwh = (uint32_t)card_ckwh;
    card.free_ckwh = (uint32_t)free_ckwh;
    card.flags = flags;
    return plan_write_card(c, p, old, &card, e);
}

int plan_purchase(struct kwh_core *c, struct kwh_plan *p, const struct kwh_customer *cu,
                  const uint8_t old[KWH_CARD_SIZE], const struct kwh_purchase_req *req,
                  const struct kwh_sale *replaced, int count, int64_t hoard_base_ckwh,
                  uint8_t flags, struct kwh_err *e)
{
    struct rules_quote q;
    struct kwh_sale sale;
    int rc;

    if ((rc = plan_price(c, p, cu, req, replaced, hoard_base_ckwh, &q, e)) < 0 ||
        (rc = plan_user_card(c, p, cu, old, count, q.card_ckwh, q.free_ckwh, flags, e)) < 0)
        return rc;
    rules_fill_sale(&sale, p->v.kind, cu, &q, req, count);
    if (replaced != NULL)
        sale.replaces_id = replaced->id;
    plan_add_sale(p, &sale);
    return 0;
}

void plan_write_image(struct kwh_plan *p, const uint8_t old[KWH_CARD_SIZE],
                      const uint8_t img[KWH_CARD_SIZE], const uint8_t serial[KWH_SERIAL_LEN])
{
    p->card_write = true;
    p->v.writes_card = true;
    memcpy(p->old_img, old, KWH_CARD_SIZE);
    memcpy(p->op.new_image, img, KWH_CARD_SIZE);
    memcpy(p->op.serial, serial, CARD_SERIAL_LEN);
}

void plan_add_sale(struct kwh_plan *p, const struct kwh_sale *sale)
{
    if (p->nsales < sizeof p->sales / sizeof p->sales[0])
        p->sales[p->nsales++] = *sale;
    if (!p->v.has_sale) {
        p->v.has_sale = true;
        p->v.sale = *sale;
    }
}

void plan_audit(struct kwh_plan *p, const char *op, const char *subject, const char *fmt, ...)
{
    va_list ap;

    str_copy(p->audit_op, sizeof p->audit_op, op);
    str_copy(p->audit_subject, sizeof p->audit_subject, subject);
    va_start(ap, fmt);
    vsnprintf(p->audit_detail, sizeof p->audit_detail, fmt, ap);
    va_end(ap);
}

int plan_finish(struct kwh_core *c, struct kwh_plan *p, struct kwh_plan **out, struct kwh_err *e)
{
    unsigned fields;
    int rc;

    if (p->new_account)
        p->v.after = p->account;
    else if (p->has_base)
        p->v.after = p->base;
    else if (p->v.has_account)
        p->v.after = p->v.before;
    if (p->card_write && p->v.has_account) {
        /* what settling the write will do, by the same code */
        if ((rc = settle_effects(c, &p->op, p->sales, p->nsales, &p->v.after, &fields, core_now(c),
                                 e)) < 0)
            return plan_fail(p, rc);
    }
    if (p->cu_fields != 0) {
        struct kwh_customer *a = &p->v.after;
        const struct kwh_customer *b = &p->cu_after;
        if (p->cu_fields & STORE_CU_PERSON) {
            str_copy(a->name, sizeof a->name, b->name);
            str_copy(a->address, sizeof a->address, b->address);
            str_copy(a->phone, sizeof a->phone, b->phone);
        }
        if (p->cu_fields & STORE_CU_TARIFF) {
            a->tariff_id = b->tariff_id;
            str_copy(a->tariff_name, sizeof a->tariff_name, b->tariff_name);
            a->price = b->price;
        }
        if (p->cu_fields & STORE_CU_STATUS)
            a->status = b->status;
        if (p->cu_fields & STORE_CU_CLOSED)
            a->closed = b->closed;
        if (p->cu_fields & STORE_CU_BALANCE)
            a->balance_ckwh = b->balance_ckwh;
        if (p->cu_fields & STORE_CU_LOADED)
            a->loaded_count = b->loaded_count;
        if (p->cu_fields & STORE_CU_MONEY) {
            a->period_start = b->period_start;
            a->period_ckwh = b->period_ckwh;
            a->arrears_fen = b->arrears_fen;
            a->fee_month = b->fee_month;
        }
        if (p->cu_fields & STORE_CU_TERMS) {
            a->tier_extra_ckwh = b->tier_extra_ckwh;
            a->recovery_mode = b->recovery_mode;
            a->recovery_value = b->recovery_value;
        }
    }
    if (p->v.has_sale)
        p->v.card_ckwh = model_sale_card_ckwh(&p->v.sale);
    if (p->v.has_card && p->v.card.type == KWH_CARD_USER)
        p->v.card_ckwh = p->v.card.purchase_ckwh;
    *out = p;
    return 0;
}

/* --- the expectations ---------------------------------------------------------------- */

/* The stored columns of two accounts are equal (the tariff's name and price are joined
 * from the tariff, and compared on their own). */
static bool same_account(const struct kwh_customer *a, const struct kwh_customer *b)
{
    return a->id == b->id && a->customer_no == b->customer_no && strcmp(a->name, b->name) == 0 &&
           strcmp(a->address, b->address) == 0 && strcmp(a->phone, b->phone) == 0 &&
           a->meter.meter_no == b->meter.meter_no && a->meter.meter_type == b->meter.meter_type &&
           a->meter.rating_a == b->meter.rating_a &&
           a->meter.current_limit_a == b->meter.current_limit_a &&
           a->meter.alarm_ckwh == b->meter.alarm_ckwh &&
           a->meter.overdraft_ckwh == b->meter.overdraft_ckwh &&
           a->meter.hoard_ckwh == b->meter.hoard_ckwh && a->meter.ct_ratio == b->meter.ct_ratio &&
           a->tariff_id == b->tariff_id && a->status == b->status &&
           memcmp(a->card_serial, b->card_serial, KWH_SERIAL_LEN) == 0 &&
           a->card_gen == b->card_gen && a->purchase_count == b->purchase_count &&
           a->loaded_count == b->loaded_count && a->balance_ckwh == b->balance_ckwh &&
           a->reported_remaining_ckwh == b->reported_remaining_ckwh &&
           a->reported_at == b->reported_at && a->opened == b->opened && a->closed == b->closed &&
           a->last_purchase == b->last_purchase && a->free_month == b->free_month &&
           a->period_start == b->period_start && a->period_ckwh == b->period_ckwh &&
           a->tier_extra_ckwh == b->tier_extra_ckwh && a->arrears_fen == b->arrears_fen &&
           a->fee_month == b->fee_month && a->recovery_mode == b->recovery_mode &&
           a->recovery_value == b->recovery_value;
}

static int changed_account(const struct kwh_customer *cu, struct kwh_err *e)
{
    return kwh_err_set(e, KWH_ECONFLICT,
                       "account %08u was changed meanwhile (by another terminal): nothing was "
                       "written; read the card again and start over",
                       cu->customer_no);
}

/* Inside the intent's transaction: everything the plan was built on still holds. */
static int check_expectations(struct kwh_core *c, const struct kwh_plan *p, struct kwh_err *e)
{
    const struct plan_expect *x = &p->x;
    int64_t version;
    int rc;

    if ((rc = store_settings_version(c->db, &version, e)) < 0)
        return rc;
    if (version != x->settings_version)
        return kwh_err_set(e, KWH_ECONFLICT,
                           "the site settings were changed since the quote (limits, free "
                           "allowance, unit or area code): nothing was written; quote again");
    if (x->tariff) {
        struct kwh_tariff t;
        char was[32], now[32];
        rc = store_tariff_get(c->db, x->tariff_id, core_now(c), &t, NULL);
        if (rc == KWH_ENOTFOUND)
            return kwh_err_set(e, KWH_ECONFLICT,
                               "tariff %s was deleted since the quote: nothing was written",
                               x->tariff_name);
        if (rc < 0)
            return store_tariff_get(c->db, x->tariff_id, core_now(c), &t, e);
        if (t.price_id != x->price_id) {
            fixed_format(x->price, 4, was, sizeof was);
            fixed_format(t.price, 4, now, sizeof now);
            return kwh_err_set(e, KWH_ECONFLICT,
                               "the price of tariff %s changed from %s to %s since the quote: "
                               "nothing was written; quote again",
                               x->tariff_name, was, now);
        }
    }
    if (x->by_month && rules_month(core_now(c)) != x->month)
        return kwh_err_set(e, KWH_ECONFLICT,
                           "the month changed since the quote (free allowance, tier period or "
                           "monthly fees): nothing was written; quote again");
    if (x->pay_ref) {
        struct kwh_sale other;
        rc = store_sale_by_ref(c->db, x->pay_method, x->ref, x->ref_except, &other, NULL);
        if (rc == 0)
            return kwh_err_set(e, KWH_ECONFLICT,
                               "payment reference %s was recorded with invoice %lld meanwhile: "
                               "nothing was written",
                               x->ref, (long long)other.invoice_no);
        if (rc != KWH_ENOTFOUND)
            return store_sale_by_ref(c->db, x->pay_method, x->ref, x->ref_except, &other, e);
    }
    if (x->account) {
        struct kwh_customer now;
        struct store_op last;
        int64_t ids[PLAN_MAX_PENDING];
        size_t n;
        if ((rc = store_customer_get(c->db, x->cu.id, &now, e)) < 0)
            return rc;
        if (!same_account(&now, &x->cu))
            return changed_account(&x->cu, e);
        rc = store_op_last_done_for_customer(c->db, x->cu.id, &last, NULL);
        if ((rc == 0 ? last.id : 0) != x->last_op_id)
            return changed_account(&x->cu, e);
        if ((rc = store_ops_pending_for_customer(c->db, x->cu.id, ids, PLAN_MAX_PENDING, &n, e)) <
            0)
            return rc;
        if (n != x->npending || memcmp(ids, x->pending, n * sizeof ids[0]) != 0)
            return changed_account(&x->cu, e);
    }
    if (x->meter_free) {
        struct kwh_customer other;
        if (store_customer_by_meter(c->db, x->meter_no, &other, NULL) == 0 &&
            other.id != x->meter_holder)
            return kwh_err_set(e, KWH_ECONFLICT,
                               "meter number %08u was given to account %08u (%s) meanwhile: "
                               "nothing was written",
                               x->meter_no, other.customer_no, other.name);
    }
    return 0;
}

/* --- committing ---------------------------------------------------------------------- */

static void fill_rows(struct kwh_plan *p, const struct kwh_session *s, int64_t op_id,
                      int64_t customer_id, int64_t now)
{
    for (size_t i = 0; i < p->nsales; i++) {
        struct kwh_sale *sale = &p->sales[i];
        sale->op_id = op_id;
        sale->customer_id = customer_id;
        sale->operator_id = s->operator_id;
        sale->created = now;
        sale->state = KWH_STATE_PENDING;
    }
    if (p->has_event) {
        p->event.op_id = op_id;
        p->event.customer_id = customer_id;
        p->event.operator_id = s->operator_id;
        p->event.created = now;
    }
}

static int insert_rows(struct kwh_core *c, struct kwh_plan *p, struct kwh_err *e)
{
    int rc;

    for (size_t i = 0; i < p->nsales; i++)
        if ((rc = store_sale_insert(c->db, &p->sales[i], e)) < 0)
            return rc;
    if (p->has_event && (rc = store_event_insert(c->db, &p->event, e)) < 0)
        return rc;
    return 0;
}

/* The opening's account, numbered now, and its card encoded with that number. */
static int insert_account(struct kwh_core *c, struct kwh_plan *p, int64_t now, struct kwh_err *e)
{
    int rc;

    p->account.status = KWH_CUST_PENDING;
    p->account.customer_no = 0;
    p->account.opened = now;
    if ((rc = store_customer_insert(c->db, &p->account, e)) < 0)
        return rc;
    p->op.customer_id = p->account.id;
    p->card.customer_no = p->account.customer_no;
    if ((rc = card_encode(c->profile, p->old_img, &p->card, &c->keys, p->op.new_image, e)) < 0)
        return rc;
    p->v.card.customer_no = p->account.customer_no;
    p->v.after.customer_no = p->account.customer_no;
    p->v.after.id = p->account.id;
    p->v.after.opened = now;
    p->v.before = p->v.after;
    return 0;
}

/* Step 2: the intent, in one transaction, if the world is as the plan saw it. */
static int record_intent(struct kwh_core *c, const struct kwh_session *s, struct kwh_plan *p,
                         struct kwh_err *e)
{
    char subject[128];
    int64_t now = core_now(c);
    int rc;

    if ((rc = store_begin(c->db, e)) < 0)
        return rc;
    if ((rc = check_expectations(c, p, e)) < 0)
        goto fail;
    for (size_t i = 0; i < p->ntake; i++)
        if ((rc = settle_in_tx(c, p->take[i], p->take_void[i] ? KWH_STATE_VOID : KWH_STATE_DONE,
                               p->take_void[i] ? "not written; cancelled by a reissue"
                                               : "taken over by a reissue",
                               e)) < 0)
            goto fail;
    if (p->new_account && (rc = insert_account(c, p, now, e)) < 0)
        goto fail;
    memcpy(p->op.old_image, p->old_img, KWH_CARD_SIZE);
    card_record(c->profile, p->op.new_image, true, p->op.slot);
    p->op.operator_id = s->operator_id;
    p->op.created = now;
    str_copy(p->op.station, sizeof p->op.station, c->station);
    if ((rc = store_op_insert(c->db, &p->op, e)) < 0)
        goto fail;
    /* claimed before anyone can see it: a terminal reading a copy of the card meanwhile
       leaves it alone (settle_reconcile) */
    if ((rc = store_op_claim(c->db, p->op.id, e)) < 0)
        goto fail;
    p->claimed = true;
    fill_rows(p, s, p->op.id, p->op.customer_id, now);
    if ((rc = insert_rows(c, p, e)) < 0)
        goto fail;
    snprintf(subject, sizeof subject, "op#%lld %s", (long long)p->op.id, p->audit_subject);
    if ((rc = audit_append(c, s->name, p->audit_op, subject, p->audit_before, p->audit_detail, e)) <
        0)
        goto fail;
    if ((rc = store_commit(c->db, e)) < 0)
        goto released;
    return 0;
fail:
    store_rollback(c->db);
released:
    if (p->claimed)
        store_op_release(c->db, p->op.id);
    p->claimed = false;
    return rc;
}

/* The card may hold the write: only that card settles it, never a blank card read (a
 * write to a blank card whose writer vanished is voided by reading the blank card). Should
 * the mark not be stored, the write stays pending as before. */
static void mark_touched(struct kwh_core *c, const struct kwh_plan *p)
{
    struct kwh_err ignore;
    store_op_mark_card_touched(c->db, p->op.id, &ignore);
}

/* Steps 3 and 4: write the card, read it back, settle. */
static int write_and_settle(struct kwh_core *c, struct kwh_plan *p, struct kwh_err *e)
{
    enum cardwrite_outcome outcome;
    struct kwh_err werr, serr;
    int rc;

    kwh_err_clear(&werr);
    rc = cardio_write(c, p->old_img, p->op.new_image, &outcome, &werr);
    if (rc == 0 || outcome == CARDWRITE_WRITTEN) {
        if (settle_op(c, p->op.id, KWH_STATE_DONE, "written", &serr) < 0) {
            mark_touched(c, p);
            return kwh_err_set(e, KWH_EPENDING,
                               "the card was written but the database could "
                               "not record it (%s); it will be recorded when the card is read "
                               "again",
                               serr.msg);
        }
        core_progress(c, "settle", 1, 1);
        return 0;
    }
    if (outcome == CARDWRITE_NOT_WRITTEN) {
        /* The commit point was never reached: the old content is in force. A card that
         * had content may hold a half-written second record: put it back before voiding,
         * or leave the op pending so the next read does. */
        if (!card_is_blank(c->profile, p->old_img)) {
            uint8_t now[KWH_CARD_SIZE];
            struct kwh_err ignore;
            if (cardio_read(c, now, &ignore) < 0 ||
                cardio_repair(c, now, p->old_img, &ignore) < 0) {
                /* known not to have taken effect: a reissue cancels it, not takes it over
                   (should the mark not be stored, it stays an ordinary pending write,
                   settled by its card as before) */
                store_op_mark_not_written(c->db, p->op.id, &ignore);
                return kwh_err_setd(e, KWH_EPENDING, werr.detail,
                                    "%s. The operation did not "
                                    "take effect: put the card back and read it again to tidy it "
                                    "up",
                                    werr.msg);
            }
        }
        if (settle_op(c, p->op.id, KWH_STATE_VOID, "not written", &serr) < 0)
            return kwh_err_set(e, KWH_EPENDING, "%s; the database could not record it (%s)",
                               werr.msg, serr.msg);
        if (e) {
            *e = werr;
            kwh_err_prefix(e, "nothing was written");
        }
        return werr.code ? werr.code : KWH_EDEVICE;
    }
    mark_touched(c, p);
    return kwh_err_setd(e, KWH_EPENDING, werr.detail,
                        "%s. It is not known whether the card "
                        "took the write: put the card back and read it; the operation will "
                        "be completed or cancelled then",
                        werr.msg);
}

/* The account change of an operation without a card write, or the text part of an
 * edit after its card write: expectations (when there was no card write), the columns,
 * the money, the event and the audit, in one transaction. */
static int apply_account(struct kwh_core *c, const struct kwh_session *s, struct kwh_plan *p,
                         bool check, struct kwh_err *e)
{
    char subject[64];
    int64_t now = core_now(c);
    int rc;

    if ((rc = store_begin(c->db, e)) < 0)
        return rc;
    if (check && (rc = check_expectations(c, p, e)) < 0)
        goto fail;
    p->cu_after.id = p->x.cu.id;
    if ((rc = store_customer_update(c->db, &p->cu_after, p->cu_fields, e)) < 0)
        goto fail;
    if (check) {
        fill_rows(p, s, 0, p->x.cu.id, now);
        if ((rc = insert_rows(c, p, e)) < 0)
            goto fail;
        for (size_t i = 0; i < p->nsales; i++)
            if ((rc = store_sale_settle(c->db, p->sales[i].id, KWH_STATE_DONE, now, e)) < 0)
                goto fail;
        if (p->arrears_add_fen != 0 &&
            (rc = store_arrears_insert(c->db, p->x.cu.id, p->arrears_add_fen, p->arrears_reason,
                                       s->operator_id, now, e)) < 0)
            goto fail;
        if (p->request_id != 0 &&
            (rc = store_revreq_decide(c->db, p->request_id, KWH_REVREQ_APPROVED, p->approver_id,
                                      now, p->sales[0].id, e)) < 0)
            goto fail;
    }
    snprintf(subject, sizeof subject, "account %08u", p->x.cu.customer_no);
    if ((rc = audit_append(c, s->name, check ? p->audit_op : p->text_audit_op, subject,
                           check ? p->audit_before : p->text_before,
                           check ? p->audit_detail : p->text_after, e)) < 0)
        goto fail;
    return store_commit(c->db, e);
fail:
    store_rollback(c->db);
    return rc;
}

static int receipt(struct kwh_core *c, const struct kwh_plan *p, struct kwh_receipt *out,
                   struct kwh_err *e)
{
    int rc;

    memset(out, 0, sizeof *out);
    if (p->nsales > 0) {
        if (p->card_write) {
            struct kwh_sale sales[4];
            size_t n;
            if ((rc = store_sales_for_op(c->db, p->op.id, sales, 4, &n, e)) < 0)
                return rc;
            if (n > 0)
                out->sale = sales[n - 1];
        } else if ((rc = store_sale_get(c->db, p->sales[0].id, &out->sale, e)) < 0) {
            return rc;
        }
    }
    if (p->v.has_account || p->new_account) {
        int64_t id = p->new_account ? p->account.id : p->x.cu.id;
        if ((rc = store_customer_get(c->db, id, &out->customer, e)) < 0)
            return rc;
    }
    str_copy(out->unit_name, sizeof out->unit_name, p->site.unit_name);
    str_copy(out->unit_phone, sizeof out->unit_phone, p->site.unit_phone);
    return 0;
}

int plan_commit(struct kwh_core *c, const struct kwh_session *s, struct kwh_plan *p,
                struct kwh_receipt *out, struct kwh_err *e)
{
    int rc;

    if (out != NULL)
        memset(out, 0, sizeof *out);
    if (p == NULL)
        return kwh_err_set(e, KWH_EINVAL, "nothing to commit: plan the operation first");
    if ((rc = need_operator(s, e)) < 0)
        return rc;
    if (s->operator_id != p->operator_id)
        return kwh_err_set(e, KWH_EPERM,
                           "this operation was prepared by another operator: prepare it again");
    if (p->spent)
        return kwh_err_set(e, KWH_ECONFLICT,
                           "this operation was already carried out: read the card and start "
                           "a new one");
    if (p->needs_approval && p->approver_id == 0)
        return kwh_err_set(e, KWH_EPERM,
                           "a reversal needs an administrator's approval: another person "
                           "approves it with their password");
    if (!p->card_write && p->cu_fields == 0 && p->nsales == 0 && !p->has_event) {
        p->spent = true; /* nothing changes (an edit that changes nothing) */
    } else if (p->card_write) {
        uint8_t now[KWH_CARD_SIZE];
        /* first, so a wait for the start-up check comes before the card is read again */
        if ((rc = core_may_write_cards(c, e)) < 0)
            return rc;
        if ((rc = cardio_reread(c, now, e)) < 0)
            return rc;
        if (memcmp(now, p->old_img, KWH_CARD_SIZE) != 0)
            return kwh_err_set(e, KWH_ECONFLICT,
                               "the card in the reader is not the card as it was read: "
                               "nothing was written; read it again");
        if ((rc = record_intent(c, s, p, e)) < 0)
            return rc;
        p->spent = true;
        rc = write_and_settle(c, p, e);
        /* the write is over, whatever its outcome: a pending op is anyone's to settle now */
        store_op_release(c->db, p->op.id);
        p->claimed = false;
        if (rc < 0)
            return rc;
        if (p->cu_fields != 0 && (rc = apply_account(c, s, p, false, e)) < 0)
            return kwh_err_prefix(e, "the card was written, but the other changes were not "
                                     "saved; save them again");
    } else {
        if ((rc = apply_account(c, s, p, true, e)) < 0)
            return rc;
        p->spent = true;
    }
    if (out != NULL)
        return receipt(c, p, out, e);
    return 0;
}
