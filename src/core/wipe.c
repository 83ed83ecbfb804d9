/* SPDX-License-Identifier: Apache-2.0 */
/* 读卡清卡 (M31): a card back to a factory-blank card (its serial stays: it is the
 * card's for life). Refused for the user card of an open account and for foreign cards;
 * a card replaced by a reissue is genuine and may be wiped. */
#include <stdio.h>
#include <string.h>

#include "core/plan_int.h"
#include "kwhpos/util.h"
#include "kwhpos/card.h"
#include "kwhpos/cardprofile.h"
#include "store/store.h"

int wipe_plan(struct kwh_core *c, const struct kwh_session *s, const struct kwh_card_view *view,
              struct kwh_plan **out, struct kwh_err *e)
{
    struct kwh_customer holder;
    struct seen_card v;
    struct kwh_plan *p;
    uint8_t img[KWH_CARD_SIZE], serial[CARD_SERIAL_LEN];
    char subject[64];
    int rc;

    *out = NULL;
    if ((rc = need_operator(s, e)) < 0)
        return rc;
    rc = cardview_check(c, view->img, &v, e);
    if (rc == KWH_ECARD && card_decode(c->profile, view->img, &c->keys, &v.card, NULL) == 0 &&
        store_customer_by_serial(c->db, v.card.serial, &holder, NULL) != 0) {
        /* a replaced card of this site: its content is genuine, it may be wiped */
        kwh_err_clear(e);
    } else if (rc < 0) {
        return kwh_err_prefix(e, "this card cannot be wiped here");
    }
    if (v.card.type == KWH_CARD_BLANK && v.card.psc_state == CARD_PSC_FACTORY)
        return kwh_err_set(e, KWH_ECONFLICT, "the card is already blank");
    if (v.has_cust && memcmp(v.cust.card_serial, v.card.serial, CARD_SERIAL_LEN) == 0 &&
        v.cust.status == KWH_CUST_OPEN && v.card.type == KWH_CARD_USER)
        return kwh_err_set(e, KWH_ECONFLICT,
                           "this is the card of open account %08u (%s): "
                           "close the account or issue a new card first",
                           v.cust.customer_no, v.cust.name);
    if ((p = plan_new(c, s, KWH_OP_WIPE, e)) == NULL)
        return e ? e->code : KWH_ENOMEM;
    card_wiped(c->profile, view->img, img);
    card_serial_of(c->profile, view->img, serial);
    plan_write_image(p, view->img, img, serial);
    p->v.has_card = true;
    p->v.card = v.card;
    p->v.card.type = KWH_CARD_BLANK;
    snprintf(subject, sizeof subject, "%s card%s", model_card_type_name(v.card.type),
             v.has_cust ? " of an account" : "");
    plan_audit(p, "wipe", subject, "%s", "");
    if (v.has_cust)
        snprintf(p->audit_detail, sizeof p->audit_detail, "account=%08u meter=%08u",
                 v.cust.customer_no, v.cust.meter.meter_no);
    return plan_finish(c, p, out, e);
}
