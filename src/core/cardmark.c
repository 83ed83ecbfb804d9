/* SPDX-License-Identifier: Apache-2.0 */
/* The card blacklist (SPEC B13): a card replaced by a reissue (settle.c marks it) or
 * reported lost is refused at the counter (cardview.c), naming its account and when; the
 * refused presentation is audited and counted. A wiped card comes off the list. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "kwhpos/oversight.h"
#include "kwhpos/util.h"
#include "store/store.h"

const char *card_mark_name(int reason)
{
    return reason == KWH_MARK_LOST ? "lost" : reason == KWH_MARK_REPLACED ? "replaced" : "?";
}

static bool has_card(const struct kwh_customer *cu)
{
    for (size_t i = 0; i < KWH_SERIAL_LEN; i++)
        if (cu->card_serial[i] != 0 && cu->card_serial[i] != 0xFF)
            return true;
    return false;
}

static int account_for(struct kwh_core *c, const struct kwh_session *s, uint32_t customer_no,
                       struct kwh_customer *cu, struct kwh_err *e)
{
    int rc;
    if ((rc = store_customer_by_no(c->db, customer_no, cu, e)) < 0 ||
        (rc = scope_permit(c, s, cu->area_id, e)) < 0)
        return rc;
    if (!has_card(cu))
        return kwh_err_set(e, KWH_ECONFLICT, "account %08u has no card", customer_no);
    return 0;
}

int card_mark_lost(struct kwh_core *c, const struct kwh_session *s, uint32_t customer_no,
                   struct kwh_err *e)
{
    struct kwh_customer cu;
    struct store_card_mark m;
    char subject[32];
    int rc;

    if ((rc = need_operator(s, e)) < 0)
        return rc;
    if ((rc = store_begin(c->db, e)) < 0)
        return rc;
    if ((rc = account_for(c, s, customer_no, &cu, e)) < 0)
        goto fail;
    if (cu.status != KWH_CUST_OPEN && cu.status != KWH_CUST_REFUNDED) {
        rc = kwh_err_set(e, KWH_ECONFLICT, "account %08u is %s", customer_no,
                         kwh_trc("status", model_status_name(cu.status)));
        goto fail;
    }
    if (store_card_mark_get(c->db, cu.card_serial, &m, NULL) == 0) {
        rc = kwh_err_set(e, KWH_ECONFLICT, "the card of account %08u is already on the list",
                         customer_no);
        goto fail;
    }
    snprintf(subject, sizeof subject, "account %08u", cu.customer_no);
    if ((rc = store_card_mark_put(c->db, cu.card_serial, cu.id, KWH_MARK_LOST, core_now(c),
                                  s->operator_id, e)) < 0 ||
        (rc = audit_append(c, s->name, "card-lost", subject, "", "lost", e)) < 0)
        goto fail;
    return store_commit(c->db, e);
fail:
    store_rollback(c->db);
    return rc;
}

int card_mark_found(struct kwh_core *c, const struct kwh_session *s, uint32_t customer_no,
                    struct kwh_err *e)
{
    struct kwh_customer cu;
    struct store_card_mark m;
    char subject[32];
    int rc;

    if ((rc = need_admin(s, "taking a card off the lost list", e)) < 0)
        return rc;
    if ((rc = store_begin(c->db, e)) < 0)
        return rc;
    if ((rc = account_for(c, s, customer_no, &cu, e)) < 0)
        goto fail;
    if (store_card_mark_get(c->db, cu.card_serial, &m, NULL) != 0 || m.reason != KWH_MARK_LOST) {
        rc = kwh_err_set(e, KWH_ENOTFOUND, "the card of account %08u is not reported lost",
                         customer_no);
        goto fail;
    }
    snprintf(subject, sizeof subject, "account %08u", cu.customer_no);
    if ((rc = store_card_mark_delete(c->db, cu.card_serial, e)) < 0 ||
        (rc = audit_append(c, s->name, "card-found", subject, "lost", "", e)) < 0)
        goto fail;
    return store_commit(c->db, e);
fail:
    store_rollback(c->db);
    return rc;
}

int card_marks_list(struct kwh_core *c, const struct kwh_session *s, struct kwh_card_mark **out,
                    size_t *n, struct kwh_err *e)
{
    struct store_card_mark *m = NULL;
    struct kwh_card_mark *r;
    size_t nm = 0, k = 0;
    int rc;

    *out = NULL;
    *n = 0;
    if ((rc = need_operator(s, e)) < 0 || (rc = store_card_marks(c->db, &m, &nm, e)) < 0)
        return rc;
    if ((r = calloc(nm + 1, sizeof *r)) == NULL) {
        free(m);
        return kwh_err_set(e, KWH_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < nm; i++) {
        bool ok;
        if ((rc = store_scope_allows(c->db, s->operator_id, m[i].area_id, &ok, e)) < 0) {
            free(m);
            free(r);
            return rc;
        }
        if (!ok)
            continue;
        memcpy(r[k].serial, m[i].serial, KWH_SERIAL_LEN);
        r[k].reason = m[i].reason;
        r[k].marked = m[i].marked;
        r[k].replaced = m[i].replaced;
        r[k].customer_no = m[i].customer_no;
        str_copy(r[k].customer_name, sizeof r[k].customer_name, m[i].customer_name);
        str_copy(r[k].operator_name, sizeof r[k].operator_name, m[i].operator_name);
        r[k].attempts = m[i].attempts;
        r[k].last_attempt = m[i].last_attempt;
        k++;
    }
    free(m);
    *out = r;
    *n = k;
    return 0;
}
