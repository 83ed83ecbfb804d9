/* SPDX-License-Identifier: Apache-2.0 */
/* The atomic card operation (docs/architecture.md):
 *   1. one short transaction records the intent: the op, its sales, a new account, all
 *      `pending`, with the exact slot the card will show;
 *   2. the card is written (commit byte last) and read back;
 *   3. one short transaction settles it `done` (effects applied) or `void`;
 *   4. when the outcome is unknown (card pulled at the commit byte), it stays pending
 *      and is settled the next time that card is read, by comparing its active slot. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "core/internal.h"
#include "kwhpos/util.h"

/* A fresh random serial with no FF byte: FF is what an unwritten byte reads, so the
 * serial is always one run of changed bytes, written in one go. */
void cardop_new_serial(uint8_t serial[CARD_SERIAL_LEN])
{
    for (size_t i = 0; i < CARD_SERIAL_LEN; i++)
        do
            randombytes_buf(serial + i, 1);
        while (serial[i] == 0xff);
}

static int64_t card_energy(const struct kwh_sale *s)
{
    return s->energy_ckwh + s->adjust_ckwh + s->free_ckwh;
}

/* The effects of a done op on its account. */
static int apply_done(struct kwh_core *c, const struct store_op *op, struct kwh_sale *sales,
                      size_t nsales, struct kwh_err *e)
{
    struct kwh_customer cu;
    struct kwh_card card;
    int64_t now = core_now(c);
    int rc;

    if (op->customer_id <= 0)
        return 0;
    if ((rc = store_customer_get(c->db, op->customer_id, &cu, e)) < 0)
        return rc;
    if ((rc = card_decode(op->new_image, NULL, &card, e)) < 0)
        return rc;

    switch (op->kind) {
    case KWH_OP_OPEN:
        cu.status = KWH_CUST_OPEN;
        memcpy(cu.card_serial, op->serial, CARD_SERIAL_LEN);
        cu.card_gen = card.generation;
        cu.purchase_count = card.purchase_count;
        break;
    case KWH_OP_SALE:
    case KWH_OP_RESALE: cu.purchase_count = card.purchase_count; break;
    case KWH_OP_REISSUE:
        memcpy(cu.card_serial, op->serial, CARD_SERIAL_LEN);
        cu.card_gen = card.generation;
        if (op->reissue_consumed && cu.loaded_count < cu.purchase_count)
            cu.loaded_count = cu.purchase_count;
        cu.purchase_count = card.purchase_count;
        break;
    case KWH_OP_METER_CHANGE:
        cu.meter = op->meter;
        cu.purchase_count = card.purchase_count;
        cu.balance_ckwh = op->new_balance_ckwh;
        cu.reported_remaining_ckwh = 0;
        break;
    case KWH_OP_EDIT:
        cu.meter.rating_a = op->meter.rating_a;
        cu.meter.current_limit_a = op->meter.current_limit_a;
        cu.meter.alarm_ckwh = op->meter.alarm_ckwh;
        cu.meter.overdraft_ckwh = op->meter.overdraft_ckwh;
        cu.meter.hoard_ckwh = op->meter.hoard_ckwh;
        cu.meter.ct_ratio = op->meter.ct_ratio;
        break;
    default: return 0;
    }
    for (size_t i = 0; i < nsales; i++) {
        struct kwh_sale *s = &sales[i];
        if (op->kind != KWH_OP_METER_CHANGE)
            cu.balance_ckwh += card_energy(s);
        if (card_energy(s) > 0)
            cu.last_purchase = now;
        int64_t granted = s->created;
        if (s->replaces_id > 0) {
            struct kwh_sale old;
            if ((rc = store_sale_get(c->db, s->replaces_id, &old, e)) < 0 ||
                (rc = store_sale_settle(c->db, old.id, KWH_STATE_CANCELLED, now, e)) < 0)
                return rc;
            cu.balance_ckwh -= card_energy(&old);
            /* a re-sale keeps the grant of the sale it replaces, and that grant stays the
             * allowance of its own month: corrected after midnight on the 1st, it must not
             * use up the new month's */
            if (old.free_ckwh > 0)
                granted = old.created;
        }
        if (s->free_ckwh > 0)
            cu.free_month = month_of(granted);
    }
    return store_customer_update(c->db, &cu, e);
}

int cardop_settle(struct kwh_core *c, int64_t op_id, int state, const char *how, struct kwh_err *e)
{
    struct store_op op;
    struct kwh_sale sales[4];
    struct kwh_operator who;
    char subject[64], detail[256];
    size_t n;
    int64_t now = core_now(c);
    int rc;

    if ((rc = store_begin(c->db, e)) < 0)
        return rc;
    if ((rc = store_op_get(c->db, op_id, &op, e)) < 0)
        goto fail;
    if (op.state != KWH_STATE_PENDING) {
        store_rollback(c->db);
        return 0; /* settled meanwhile, e.g. by another terminal reading the card */
    }
    if ((rc = store_sales_for_op(c->db, op_id, sales, 4, &n, e)) < 0 ||
        (rc = store_op_set_state(c->db, op_id, state, now, e)) < 0)
        goto fail;
    for (size_t i = 0; i < n; i++)
        if ((rc = store_sale_settle(c->db, sales[i].id, state, now, e)) < 0)
            goto fail;
    if (state == KWH_STATE_DONE) {
        if ((rc = apply_done(c, &op, sales, n, e)) < 0)
            goto fail;
    } else if (op.kind == KWH_OP_OPEN) {
        /* an opening that never happened voids its new account; an imported account whose
           first card failed stays open, waiting for that card */
        struct kwh_customer cu;
        if ((rc = store_customer_get(c->db, op.customer_id, &cu, e)) < 0)
            goto fail;
        if (cu.status == KWH_CUST_PENDING) {
            cu.status = KWH_CUST_VOID;
            if ((rc = store_customer_update(c->db, &cu, e)) < 0)
                goto fail;
        }
    }
    if (store_operator_get_id(c->db, op.operator_id, &who, e) < 0)
        str_copy(who.name, sizeof who.name, "?");
    snprintf(subject, sizeof subject, "op#%lld", (long long)op.id);
    snprintf(detail, sizeof detail, "kind=%s state=%s how=%s sales=%zu%s%lld",
             model_op_name(op.kind), model_state_name(state), how, n, n > 0 ? " amount=" : "",
             n > 0 ? (long long)sales[0].amount_fen : 0LL);
    if ((rc = audit_append(c, who.name, "card-settle", subject, "state=pending", detail, e)) < 0)
        goto fail;
    return store_commit(c->db, e);
fail:
    store_rollback(c->db);
    return rc;
}

/* Step 1: the intent, in one transaction. */
void cardop_expect(struct cardop *co, const struct kwh_customer *cu)
{
    co->expect = true;
    co->seen = *cu;
}

/* Inside record_intent's transaction: the account is as the operation read it. */
static int still_as_read(struct kwh_core *c, const struct cardop *co, struct kwh_err *e)
{
    struct kwh_customer now;
    size_t pending;
    int rc;

    if (!co->expect)
        return 0;
    if ((rc = store_customer_get(c->db, co->seen.id, &now, e)) < 0 ||
        (rc = store_ops_pending_for_customer(c->db, co->seen.id, &pending, e)) < 0)
        return rc;
    if (pending > 0 || now.purchase_count != co->seen.purchase_count ||
        now.card_gen != co->seen.card_gen || now.status != co->seen.status ||
        memcmp(now.card_serial, co->seen.card_serial, CARD_SERIAL_LEN) != 0)
        return kwh_err_set(e, KWH_ECONFLICT,
                           "account %08u was changed meanwhile (another "
                           "terminal wrote to it): nothing was written; read the card again "
                           "and start over",
                           now.customer_no);
    return 0;
}

static int record_intent(struct kwh_core *c, const struct kwh_session *s, struct cardop *co,
                         struct kwh_err *e)
{
    char subject[128];
    int rc;

    if ((rc = store_begin(c->db, e)) < 0)
        return rc;
    if ((rc = still_as_read(c, co, e)) < 0)
        goto fail;
    if (co->new_customer != NULL) {
        co->new_customer->status = KWH_CUST_PENDING;
        if ((rc = store_customer_insert(c->db, co->new_customer, e)) < 0)
            goto fail;
        co->op.customer_id = co->new_customer->id;
    }
    co->op.operator_id = s->operator_id;
    co->op.created = core_now(c);
    if ((rc = store_op_insert(c->db, &co->op, e)) < 0)
        goto fail;
    /* claimed before anyone can see it: a terminal reading a copy of the card meanwhile
       leaves it alone (cardop_reconcile) */
    if ((rc = store_op_claim(c->db, co->op.id, e)) < 0)
        goto fail;
    co->claimed = true;
    for (size_t i = 0; i < co->nsales; i++) {
        struct kwh_sale *sale = &co->sales[i];
        sale->op_id = co->op.id;
        sale->customer_id = co->op.customer_id;
        sale->operator_id = s->operator_id;
        sale->created = co->op.created;
        sale->state = KWH_STATE_PENDING;
        if ((rc = store_sale_insert(c->db, sale, e)) < 0)
            goto fail;
    }
    if (co->has_event) {
        co->event.op_id = co->op.id;
        co->event.customer_id = co->op.customer_id;
        co->event.operator_id = s->operator_id;
        co->event.created = co->op.created;
        if ((rc = store_event_insert(c->db, &co->event, e)) < 0)
            goto fail;
    }
    snprintf(subject, sizeof subject, "op#%lld %s", (long long)co->op.id, co->audit_subject);
    if ((rc = audit_append(c, s->name, co->audit_op, subject, "", co->audit_detail, e)) < 0)
        goto fail;
    if ((rc = store_commit(c->db, e)) < 0)
        goto released;
    return 0;
fail:
    store_rollback(c->db);
released:
    if (co->claimed)
        store_op_release(c->db, co->op.id);
    co->claimed = false;
    return rc;
}

static bool is_blank_image(const uint8_t img[KWH_CARD_SIZE])
{
    return img[CARD_OFF_ACTIVE] == CARD_ACTIVE_NONE ||
           !(img[CARD_OFF_MAGIC] == 'K' && img[CARD_OFF_MAGIC + 1] == 'W' &&
             img[CARD_OFF_MAGIC + 2] == 'H');
}

static int write_and_settle(struct kwh_core *c, struct cardop *co, const uint8_t old[KWH_CARD_SIZE],
                            struct kwh_err *e)
{
    enum cw_outcome outcome;
    struct kwh_err werr, serr;
    int rc;

    kwh_err_clear(&werr);
    rc = cardio_write(c, old, co->op.new_image, &outcome, &werr);
    if (rc == 0 || outcome == CW_WRITTEN) {
        if (cardop_settle(c, co->op.id, KWH_STATE_DONE, "written", &serr) < 0)
            return kwh_err_set(e, KWH_EPENDING,
                               "the card was written but the database could "
                               "not record it (%s); it will be recorded when the card is read "
                               "again",
                               serr.msg);
        core_progress(c, "settle", 1, 1);
        return 0;
    }
    if (outcome == CW_NOT_WRITTEN) {
        /* The commit byte never changed: the old content is in force. A card that had
         * content may hold a half-written second record: put it back before voiding, or
         * leave the op pending so the next read does. */
        if (!is_blank_image(old)) {
            uint8_t now[KWH_CARD_SIZE];
            struct kwh_err ignore;
            if (cardio_read(c, now, &ignore) < 0 || cardio_repair(c, now, old, &ignore) < 0) {
                /* known not to have taken effect: a reissue cancels it, not takes it over
                   (should the mark not be stored, it stays an ordinary pending write,
                   settled by its card as before) */
                store_op_mark_not_written(c->db, co->op.id, &ignore);
                return kwh_err_setd(e, KWH_EPENDING, werr.detail,
                                    "%s. The operation did not "
                                    "take effect: put the card back and read it again to tidy it "
                                    "up",
                                    werr.msg);
            }
        }
        if (cardop_settle(c, co->op.id, KWH_STATE_VOID, "not written", &serr) < 0)
            return kwh_err_set(e, KWH_EPENDING, "%s; the database could not record it (%s)",
                               werr.msg, serr.msg);
        if (e) {
            *e = werr;
            kwh_err_prefix(e, "nothing was written");
        }
        return werr.code ? werr.code : KWH_EDEVICE;
    }
    return kwh_err_setd(e, KWH_EPENDING, werr.detail,
                        "%s. It is not known whether the card "
                        "took the write: put the card back and read it; the operation will "
                        "be completed or cancelled then",
                        werr.msg);
}

int cardop_run(struct kwh_core *c, const struct kwh_session *s, struct cardop *co,
               const uint8_t old[KWH_CARD_SIZE], struct kwh_err *e)
{
    int rc;

    memcpy(co->op.old_image, old, KWH_CARD_SIZE);
    card_active_slot(co->op.new_image, co->op.slot);
    if ((rc = record_intent(c, s, co, e)) < 0)
        return rc;
    rc = write_and_settle(c, co, old, e);
    /* the write is over, whatever its outcome: a pending op is anyone's to settle now */
    store_op_release(c->db, co->op.id);
    co->claimed = false;
    return rc;
}

/* Whether the card's inactive slot holds exactly this record. */
static bool holds_record(const uint8_t img[KWH_CARD_SIZE], const struct kwh_card *cur,
                         const uint8_t slot[CARD_SLOT_LEN])
{
    unsigned other = cur->active == 0 ? CARD_OFF_SLOT1 : CARD_OFF_SLOT0;
    return cur->active <= 1 && memcmp(img + other, slot, CARD_SLOT_LEN) == 0;
}

int cardop_reconcile(struct kwh_core *c, uint8_t img[KWH_CARD_SIZE], int *done, int *voided,
                     char *notice, size_t notice_len, struct kwh_err *e)
{
    uint8_t serial[CARD_SERIAL_LEN], slot[CARD_SLOT_LEN];
    int64_t ids[8];
    size_t n;
    int rc;

    *done = *voided = 0;
    memcpy(serial, img + CARD_OFF_SERIAL, CARD_SERIAL_LEN);
    if (!card_serial_is_set(serial))
        return 0;
    if ((rc = store_ops_pending_for_serial(c->db, serial, ids, 8, &n, e)) < 0)
        return rc;
    for (size_t i = 0; i < n; i++) {
        struct store_op op;
        struct kwh_card cur;
        struct kwh_err ignore;
        bool busy;
        if ((rc = store_op_get(c->db, ids[i], &op, e)) < 0 ||
            (rc = store_op_busy(c->db, ids[i], &busy, e)) < 0)
            return rc;
        /* another terminal is writing this op to the card right now: this is a copy of
           the card, or the same card read before that write began; only the writer, or a
           read after it, can tell the outcome */
        if (busy)
            return kwh_err_set(e, KWH_ECONFLICT,
                               "another terminal is writing to this card's account right now "
                               "(op #%lld): nothing was done here; wait until it has finished, "
                               "then read the card again",
                               (long long)op.id);
        card_active_slot(img, slot);
        if (memcmp(slot, op.slot, CARD_SLOT_LEN) == 0) {
            if ((rc = cardop_settle(c, op.id, KWH_STATE_DONE, "found on the card", e)) < 0)
                return rc;
            (*done)++;
            snprintf(notice, notice_len, kwh_tr("the %s of op #%lld was completed on this card"),
                     kwh_trc("op", model_op_name(op.kind)), (long long)op.id);
            continue;
        }
        /* not on the card: put back what an interrupted write left (a damaged second
           record, or the whole cancelled record waiting in it), then void */
        if (card_decode(img, &c->keys, &cur, &ignore) == 0 && !is_blank_image(op.old_image) &&
            (cur.rest_damaged || holds_record(img, &cur, op.slot))) {
            if ((rc = cardio_repair(c, img, op.old_image, e)) < 0)
                return kwh_err_prefix(e, "tidying up an interrupted write");
            if ((rc = cardio_read(c, img, e)) < 0)
                return rc;
        }
        if ((rc = cardop_settle(c, op.id, KWH_STATE_VOID, "not on the card", e)) < 0)
            return rc;
        (*voided)++;
        snprintf(notice, notice_len,
                 kwh_tr("the %s of op #%lld never reached this card and was cancelled"),
                 kwh_trc("op", model_op_name(op.kind)), (long long)op.id);
    }
    return 0;
}
