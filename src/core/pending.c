/* SPDX-License-Identifier: Apache-2.0 */
/* Card writes waiting for their card: the list, and an administrator's way out for one
 * whose card will never be read again (lost, destroyed). Reading the card settles a
 * write by itself (settle.c); a cancel is for when that cannot happen, and is refused
 * when the card in the reader shows the write took effect. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "kwhpos/util.h"
#include "kwhpos/card.h"
#include "kwhpos/cardprofile.h"
#include "store/store.h"

/* The most pending writes listed at once (a site has a handful at most). */
#define PENDING_MAX 1000

static int fill(struct kwh_core *c, int64_t id, struct kwh_pending_write *w, struct kwh_err *e)
{
    struct store_op op;
    struct kwh_operator who;
    struct kwh_sale sales[4];
    size_t n;
    int rc;

    memset(w, 0, sizeof *w);
    if ((rc = store_op_get(c->db, id, &op, e)) < 0 ||
        (rc = store_sales_for_op(c->db, id, sales, 4, &n, e)) < 0 ||
        (rc = store_op_card_touched(c->db, id, &w->touched, e)) < 0)
        return rc;
    w->op_id = op.id;
    w->kind = op.kind;
    w->created = op.created;
    str_copy(w->station, sizeof w->station, op.station);
    memcpy(w->serial, op.serial, KWH_SERIAL_LEN);
    w->blank_card = card_is_blank(c->profile, op.old_image);
    if (store_operator_get_id(c->db, op.operator_id, &who, NULL) == 0)
        str_copy(w->operator_name, sizeof w->operator_name, who.name);
    else
        str_copy(w->operator_name, sizeof w->operator_name, "?");
    if (op.customer_id > 0) {
        struct kwh_customer cu;
        if ((rc = store_customer_get(c->db, op.customer_id, &cu, e)) < 0)
            return rc;
        w->customer_no = cu.customer_no;
        w->meter_no = cu.meter.meter_no;
        str_copy(w->customer_name, sizeof w->customer_name, cu.name);
    }
    for (size_t i = 0; i < n; i++) {
        w->amount_fen += sales[i].amount_fen + sales[i].fee_fen;
        w->has_sale = true;
    }
    return 0;
}

int pending_list(struct kwh_core *c, struct kwh_pending_write **out, size_t *n, struct kwh_err *e)
{
    int64_t *ids;
    size_t count;
    int rc;

    *out = NULL;
    *n = 0;
    if ((ids = calloc(PENDING_MAX, sizeof *ids)) == NULL)
        return kwh_err_set(e, KWH_ENOMEM, "out of memory");
    if ((rc = store_ops_pending(c->db, ids, PENDING_MAX, &count, e)) < 0)
        goto done;
    if (count > PENDING_MAX)
        count = PENDING_MAX;
    if (count > 0 && (*out = calloc(count, sizeof **out)) == NULL) {
        rc = kwh_err_set(e, KWH_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < count; i++)
        if ((rc = fill(c, ids[i], &(*out)[i], e)) < 0) {
            free(*out);
            *out = NULL;
            goto done;
        }
    *n = count;
done:
    free(ids);
    return rc;
}

/* What the card in the reader says about op: *seen false when there is no card (or no
 * reader); *shows when it carries op's record; *its_card when it carries op's serial. */
static int look_at_card(struct kwh_core *c, const struct store_op *op, uint8_t img[KWH_CARD_SIZE],
                        bool *seen, bool *shows, bool *its_card, struct kwh_err *e)
{
    struct kwh_err why;
    uint8_t serial[CARD_SERIAL_LEN], record[CARD_RECORD_LEN];

    *seen = *shows = *its_card = false;
    if (c->dev == NULL)
        return 0;
    kwh_err_clear(&why);
    if (cardio_read(c, img, &why) < 0) {
        if (why.code == KWH_EDEVICE && why.detail == KWH_DEV_NO_CARD)
            return 0;
        return kwh_err_set(e, why.code ? why.code : KWH_EDEVICE,
                           "%s: the card in the reader cannot be checked; take it out to "
                           "cancel without it, or try again",
                           why.msg);
    }
    *seen = true;
    card_serial_of(c->profile, img, serial);
    card_record(c->profile, img, true, record);
    *its_card = memcmp(serial, op->serial, CARD_SERIAL_LEN) == 0;
    *shows = *its_card && memcmp(record, op->slot, CARD_RECORD_LEN) == 0;
    return 0;
}

/* Voids op (unless its card did already) and records who cancelled it and why. */
static int cancel_in_tx(struct kwh_core *c, const struct kwh_session *s, const struct store_op *op,
                        const char *reason, const char *card, struct kwh_err *e)
{
    char how[200], subject[32], detail[512];
    bool pending = op->state == KWH_STATE_PENDING;
    int rc;

    snprintf(how, sizeof how, "cancelled by %s", s->name);
    snprintf(subject, sizeof subject, "op#%lld", (long long)op->id);
    snprintf(detail, sizeof detail, "kind=%s card=%s reason=%s", model_op_name(op->kind), card,
             reason);
    if (pending && (rc = settle_in_tx(c, op->id, KWH_STATE_VOID, how, e)) < 0)
        return rc;
    return audit_append(c, s->name, "pending-cancel", subject,
                        pending ? "state=pending" : "state=void", detail, e);
}

int pending_cancel(struct kwh_core *c, const struct kwh_session *s, int64_t op_id,
                   const char *reason, struct kwh_pending_cancel *out, struct kwh_err *e)
{
    struct store_op op;
    uint8_t img[KWH_CARD_SIZE];
    bool busy, seen, shows, its_card;
    const char *card;
    int rc;

    memset(out, 0, sizeof *out);
    if ((rc = need_admin(s, kwh_tr("cancelling a pending card write"), e)) < 0)
        return rc;
    if (reason == NULL || reason[0] == '\0')
        return kwh_err_set(e, KWH_EINVAL,
                           "give the reason for cancelling (e.g. the card was lost): it is "
                           "kept in the audit log");
    if ((rc = text_check_line(KWH_N("reason"), reason, e)) < 0)
        return rc;
    if (strlen(reason) > 200)
        return kwh_err_set(e, KWH_EINVAL, "reason: at most 200 bytes");
    rc = store_op_get(c->db, op_id, &op, e);
    if (rc == KWH_ENOTFOUND)
        return kwh_err_set(e, KWH_ENOTFOUND,
                           "there is no card write #%lld (see kwhpos pending list)",
                           (long long)op_id);
    if (rc < 0)
        return rc;
    if (op.state != KWH_STATE_PENDING)
        return kwh_err_set(e, KWH_ECONFLICT, "card write #%lld is not pending: it is %s",
                           (long long)op_id, kwh_trc("state", model_state_name(op.state)));
    if ((rc = store_op_busy(c->db, op.id, &busy, e)) < 0)
        return rc;
    if (busy)
        return kwh_err_set(e, KWH_ECONFLICT,
                           "card write #%lld is being written at another terminal right now: "
                           "wait until it has finished",
                           (long long)op_id);
    if ((rc = look_at_card(c, &op, img, &seen, &shows, &its_card, e)) < 0)
        return rc;
    if (shows)
        return kwh_err_set(e, KWH_ECONFLICT,
                           "the card in the reader shows card write #%lld: it took effect and "
                           "cannot be cancelled; read the card (kwhpos card read) to complete it",
                           (long long)op_id);
    if (its_card) {
        /* its own card, without the write: reading it voids the write and puts back
           what an interrupted write left on it */
        int done, voided;
        char notice[KWH_ERR_MSG];
        if ((rc = settle_reconcile(c, img, &done, &voided, notice, sizeof notice, e)) < 0)
            return rc;
        if ((rc = store_op_get(c->db, op_id, &op, e)) < 0)
            return rc;
        out->by_card = true;
    }
    card = !seen      ? "not in the reader"
           : its_card ? "its card, without the write"
                      : "another card, not checked";
    out->card_checked = its_card;
    if ((rc = store_begin(c->db, e)) < 0)
        return rc;
    if ((rc = cancel_in_tx(c, s, &op, reason, card, e)) < 0) {
        store_rollback(c->db);
        return rc;
    }
    return store_commit(c->db, e);
}
