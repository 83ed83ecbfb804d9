/* SPDX-License-Identifier: Apache-2.0 */
/* Settling card writes (docs/architecture.md): a recorded intent becomes `done` — its
 * effects applied to the account, as the table of kinds says (model_op) — or `void`.
 * Right after the write when the card was read back; otherwise the next time that card
 * is read (its record in force tells), or by the reissue that replaces it. */
#include <stdio.h>
#include <string.h>

#include "core/internal.h"
#include "kwhpos/oversight.h"
#include "kwhpos/util.h"
#include "kwhpos/card.h"
#include "kwhpos/cardprofile.h"
#include "store/store.h"

static bool serial_set(const uint8_t serial[CARD_SERIAL_LEN])
{
    for (size_t i = 0; i < CARD_SERIAL_LEN; i++)
        if (serial[i] != 0xFF && serial[i] != 0)
            return true;
    return false;
}

int settle_effects(struct kwh_core *c, const struct store_op *op, const struct kwh_sale *sales,
                   size_t n, struct kwh_customer *cu, unsigned *fields, int64_t now,
                   struct kwh_err *e)
{
    const struct kwh_op_info *k = model_op(op->kind);
    struct kwh_card card;
    int rc;

    *fields = 0;
    if (!(k->flags & KWH_OPF_ACCOUNT))
        return 0;
    if ((rc = card_decode(c->profile, op->new_image, NULL, &card, e)) < 0)
        return rc;
    if (k->flags & KWH_OPF_OPENS) {
        cu->status = KWH_CUST_OPEN;
        *fields |= STORE_CU_STATUS;
    }
    if (k->flags & KWH_OPF_NEW_CARD) {
        memcpy(cu->card_serial, op->serial, CARD_SERIAL_LEN);
        cu->card_gen = card.generation;
        *fields |= STORE_CU_CARD;
    }
    /* before the count moves: the lost card's purchase is the one it counts */
    if ((k->flags & KWH_OPF_CONSUMED) && op->reissue_consumed &&
        cu->loaded_count < cu->purchase_count) {
        cu->loaded_count = cu->purchase_count;
        *fields |= STORE_CU_LOADED;
    }
    if (k->flags & KWH_OPF_COUNT) {
        cu->purchase_count = card.purchase_count;
        *fields |= STORE_CU_COUNT;
    }
    if (k->flags & KWH_OPF_METER) {
        cu->meter = op->meter;
        cu->balance_ckwh = op->new_balance_ckwh;
        cu->reported_remaining_ckwh = 0;
        *fields |= STORE_CU_METER | STORE_CU_PARAMS | STORE_CU_BALANCE | STORE_CU_REPORT;
    }
    if (k->flags & KWH_OPF_PARAMS) {
        cu->meter.rating_a = op->meter.rating_a;
        cu->meter.current_limit_a = op->meter.current_limit_a;
        cu->meter.alarm_ckwh = op->meter.alarm_ckwh;
        cu->meter.overdraft_ckwh = op->meter.overdraft_ckwh;
        cu->meter.hoard_ckwh = op->meter.hoard_ckwh;
        cu->meter.ct_ratio = op->meter.ct_ratio;
        *fields |= STORE_CU_PARAMS;
    }
    for (size_t i = 0; i < n; i++) {
        const struct kwh_sale *s = &sales[i];
        int64_t granted = s->created;
        if (k->flags & KWH_OPF_ADDS) {
            cu->balance_ckwh += model_sale_card_ckwh(s);
            *fields |= STORE_CU_BALANCE;
        }
        if (model_sale_card_ckwh(s) > 0) {
            cu->last_purchase = now;
            *fields |= STORE_CU_BOUGHT;
        }
        if (s->replaces_id > 0) {
            struct kwh_sale old;
            if ((rc = store_sale_get(c->db, s->replaces_id, &old, e)) < 0)
                return rc;
            cu->balance_ckwh -= model_sale_card_ckwh(&old);
            *fields |= STORE_CU_BALANCE;
            rules_money_effects(cu, &old, -1, fields);
            /* a re-sale keeps the grant of the sale it replaces, and that grant stays the
             * allowance of its own month: corrected after midnight on the 1st, it must not
             * use up the new month's */
            if (old.free_ckwh > 0)
                granted = old.created;
        }
        if (s->free_ckwh > 0) {
            cu->free_month = rules_month(granted);
            *fields |= STORE_CU_BOUGHT;
        }
        rules_money_effects(cu, s, 1, fields);
    }
    return 0;
}

int settle_in_tx(struct kwh_core *c, int64_t op_id, int state, const char *how, struct kwh_err *e)
{
    struct store_op op;
    struct kwh_sale sales[4];
    struct kwh_operator who;
    struct kwh_customer cu;
    char subject[64], detail[256];
    unsigned fields = 0;
    size_t n;
    int64_t now = core_now(c);
    int rc;

    if ((rc = store_op_get(c->db, op_id, &op, e)) < 0)
        return rc;
    if (op.state != KWH_STATE_PENDING)
        return 0; /* settled meanwhile, e.g. by another terminal reading the card */
    if ((rc = store_sales_for_op(c->db, op_id, sales, 4, &n, e)) < 0 ||
        (rc = store_op_set_state(c->db, op_id, state, now, e)) < 0)
        return rc;
    for (size_t i = 0; i < n; i++)
        if ((rc = store_sale_settle(c->db, sales[i].id, state, now, e)) < 0)
            return rc;
    if (op.customer_id > 0 && (model_op(op.kind)->flags & KWH_OPF_ACCOUNT)) {
        if ((rc = store_customer_get(c->db, op.customer_id, &cu, e)) < 0)
            return rc;
        if (state == KWH_STATE_DONE) {
            struct kwh_customer was = cu;
            if ((rc = settle_effects(c, &op, sales, n, &cu, &fields, now, e)) < 0)
                return rc;
            /* a new account on a meter whose closed account still owes takes the debt */
            if ((model_op(op.kind)->flags & KWH_OPF_OPENS) && was.status == KWH_CUST_PENDING &&
                (rc = arrears_carry_in_tx(c, &cu, op.operator_id, now, &fields, e)) < 0)
                return rc;
            /* the card a new one replaces goes on the blacklist */
            if ((fields & STORE_CU_CARD) && serial_set(was.card_serial) &&
                memcmp(was.card_serial, cu.card_serial, CARD_SERIAL_LEN) != 0 &&
                (rc = store_card_mark_put(c->db, was.card_serial, cu.id, KWH_MARK_REPLACED, now,
                                          op.operator_id, e)) < 0)
                return rc;
            for (size_t i = 0; i < n; i++)
                if (sales[i].replaces_id > 0 &&
                    (rc = store_sale_settle(c->db, sales[i].replaces_id, KWH_STATE_CANCELLED, now,
                                            e)) < 0)
                    return rc;
        } else if ((model_op(op.kind)->flags & KWH_OPF_OPENS) && cu.status == KWH_CUST_PENDING) {
            /* an opening that never happened voids its new account; an imported account
               whose first card failed stays open, waiting for that card */
            cu.status = KWH_CUST_VOID;
            fields = STORE_CU_STATUS;
        }
        if ((rc = store_customer_update(c->db, &cu, fields, e)) < 0)
            return rc;
    }
    /* a wiped card comes off the blacklist */
    if (state == KWH_STATE_DONE && op.kind == KWH_OP_WIPE &&
        (rc = store_card_mark_delete(c->db, op.serial, e)) < 0)
        return rc;
    if (store_operator_get_id(c->db, op.operator_id, &who, e) < 0)
        str_copy(who.name, sizeof who.name, "?");
    snprintf(subject, sizeof subject, "op#%lld", (long long)op.id);
    snprintf(detail, sizeof detail, "kind=%s state=%s how=%s sales=%zu%s%lld",
             model_op_name(op.kind), model_state_name(state), how, n, n > 0 ? " amount=" : "",
             n > 0 ? (long long)sales[0].amount_fen : 0LL);
    return audit_append(c, who.name, "card-settle", subject, "state=pending", detail, e);
}

int settle_op(struct kwh_core *c, int64_t op_id, int state, const char *how, struct kwh_err *e)
{
    int rc;

    if ((rc = store_begin(c->db, e)) < 0)
        return rc;
    if ((rc = settle_in_tx(c, op_id, state, how, e)) < 0) {
        store_rollback(c->db);
        return rc;
    }
    return store_commit(c->db, e);
}

/* Whether the card's other record (not in force) is exactly this one. */
static bool holds_record(struct kwh_core *c, const uint8_t img[KWH_CARD_SIZE],
                         const uint8_t record[CARD_RECORD_LEN])
{
    uint8_t other[CARD_RECORD_LEN];

    card_record(c->profile, img, false, other);
    return memcmp(other, record, CARD_RECORD_LEN) == 0;
}

/* The pending writes to the card with the serial img shows. */
static int settle_by_serial(struct kwh_core *c, uint8_t img[KWH_CARD_SIZE], int *done, int *voided,
                            char *notice, size_t notice_len, struct kwh_err *e)
{
    uint8_t serial[CARD_SERIAL_LEN], record[CARD_RECORD_LEN];
    int64_t ids[8];
    size_t n;
    int rc;

    card_serial_of(c->profile, img, serial);
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
        card_record(c->profile, img, true, record);
        if (memcmp(record, op.slot, CARD_RECORD_LEN) == 0) {
            if ((rc = settle_op(c, op.id, KWH_STATE_DONE, "found on the card", e)) < 0)
                return rc;
            (*done)++;
            snprintf(notice, notice_len, kwh_tr("the %s of op #%lld was completed on this card"),
                     kwh_trc("op", model_op_name(op.kind)), (long long)op.id);
            continue;
        }
        /* not on the card: put back what an interrupted write left (a damaged second
           record, or the whole cancelled record waiting in it), then void */
        if (card_decode(c->profile, img, &c->keys, &cur, &ignore) == 0 &&
            !card_is_blank(c->profile, op.old_image) &&
            (cur.rest_damaged || holds_record(c, img, op.slot))) {
            if ((rc = cardio_repair(c, img, op.old_image, e)) < 0)
                return kwh_err_prefix(e, "tidying up an interrupted write");
            if ((rc = cardio_read(c, img, e)) < 0)
                return rc;
        }
        if ((rc = settle_op(c, op.id, KWH_STATE_VOID, "not on the card", e)) < 0)
            return rc;
        (*voided)++;
        snprintf(notice, notice_len,
                 kwh_tr("the %s of op #%lld never reached this card and was cancelled"),
                 kwh_trc("op", model_op_name(op.kind)), (long long)op.id);
    }
    return 0;
}

/* Whether img is a blank card that op found blank and wrote nothing of its record to:
 * no record in force, and every byte that differs from the card op found is the byte
 * op would have put there (its first steps, the serial and the PSC, may have reached
 * it; its commit point did not). *untouched: not even that. */
static bool settle_not_on_blank(const struct card_profile *prof, const uint8_t img[KWH_CARD_SIZE],
                                const struct store_op *op, bool *untouched)
{
    *untouched = true;
    if (!card_is_blank(prof, op->old_image) || !card_is_blank(prof, img))
        return false;
    for (size_t i = 0; i < KWH_CARD_SIZE; i++) {
        if (img[i] == op->old_image[i])
            continue;
        if (img[i] != op->new_image[i])
            return false;
        *untouched = false;
    }
    return true;
}

/* How many pending writes a blank card read looks at (the oldest first). */
#define BLANK_SCAN 64

/* A blank card read: a write to a blank card whose writer vanished (killed, crashed)
 * after recording it and before its serial reached the card cannot be found by its
 * serial, which the card does not carry. A blank card as the write found it (or with
 * the write's first bytes only) says it never happened there: void. A write whose writer saw its
 * bytes reach the card (marked touched) or that is being written right now is left to its card. */
static int settle_blank(struct kwh_core *c, const uint8_t img[KWH_CARD_SIZE], int *voided,
                        char *notice, size_t notice_len, struct kwh_err *e)
{
    int64_t ids[BLANK_SCAN];
    size_t n;
    bool any;
    int rc;

    if ((rc = store_ops_any_pending(c->db, &any, e)) < 0 || !any)
        return rc;
    if ((rc = store_ops_pending(c->db, ids, BLANK_SCAN, &n, e)) < 0)
        return rc;
    for (size_t i = 0; i < n && i < BLANK_SCAN; i++) {
        struct store_op op;
        bool touched, busy, untouched;
        if ((rc = store_op_get(c->db, ids[i], &op, e)) < 0)
            return rc;
        if (op.state != KWH_STATE_PENDING || !settle_not_on_blank(c->profile, img, &op, &untouched))
            continue;
        if ((rc = store_op_card_touched(c->db, op.id, &touched, e)) < 0)
            return rc;
        if (touched)
            continue;
        if ((rc = store_op_busy(c->db, op.id, &busy, e)) < 0)
            return rc;
        if (busy)
            continue;
        if ((rc = settle_op(
                 c, op.id, KWH_STATE_VOID,
                 untouched ? "blank card read: untouched" : "blank card read: not committed", e)) <
            0)
            return rc;
        (*voided)++;
        snprintf(notice, notice_len,
                 kwh_tr("the %s of op #%lld was interrupted before it reached the blank card "
                        "and was cancelled"),
                 kwh_trc("op", model_op_name(op.kind)), (long long)op.id);
    }
    return 0;
}

int settle_reconcile(struct kwh_core *c, uint8_t img[KWH_CARD_SIZE], int *done, int *voided,
                     char *notice, size_t notice_len, struct kwh_err *e)
{
    int rc;

    *done = *voided = 0;
    if ((rc = settle_by_serial(c, img, done, voided, notice, notice_len, e)) < 0)
        return rc;
    if (!card_is_blank(c->profile, img))
        return 0;
    return settle_blank(c, img, voided, notice, notice_len, e);
}

int settle_pending(struct kwh_core *c, struct kwh_sale **out, size_t *n, struct kwh_err *e)
{
    return store_sales_pending(c->db, out, n, e);
}

int settle_at_start(struct kwh_core *c, const struct kwh_session *s, char *notice,
                    size_t notice_len, struct kwh_err *e)
{
    struct kwh_card_view v;
    struct kwh_err why;
    bool any;
    int rc;

    if (notice_len > 0)
        notice[0] = '\0';
    if ((rc = need_operator(s, e)) < 0 || (rc = store_ops_any_pending(c->db, &any, e)) < 0)
        return rc;
    if (!any || c->dev == NULL)
        return 0;
    /* no card, or one that cannot be read: the writes stay pending, listed */
    rc = cardview_read(c, s, &v, &why);
    str_copy(notice, notice_len, v.notice);
    if (rc < 0)
        return v.settled_done + v.settled_void > 0;
    return 1;
}
