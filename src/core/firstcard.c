/* SPDX-License-Identifier: Apache-2.0 */
/* The first card of an account that has none: an imported account.
 *
 * It is an opening (用户开户) of an account that already exists: the card carries the
 * site key so an un-opened meter learns it, the meter's purchase count + 1 recorded at
 * import (0 + 1 for a new meter), and an optional first purchase. 补卡 does not fit: it
 * replaces a card whose last record it copies, and there is none. */
#include <stdio.h>
#include <string.h>

#include "core/vend.h"
#include "kwhpos/data.h"
#include "kwhpos/util.h"

int vend_issue_first_card(struct kwh_core *c, const struct kwh_session *s, uint32_t customer_no,
                          const struct kwh_purchase_req *p, struct kwh_receipt *out,
                          struct kwh_err *e)
{
    static const struct kwh_purchase_req none = {KWH_BY_NONE, 0, 0, KWH_PAY_CASH};
    struct kwh_customer cu;
    struct kwh_quote q;
    struct vend_card v;
    struct kwh_card card;
    struct store_op last;
    struct cardop co;
    size_t pending;
    int64_t now = core_now(c);
    int rc;

    if ((rc = need_operator(s, e)) < 0 ||
        (rc = store_customer_by_no(c->db, customer_no, &cu, e)) < 0)
        return rc;
    if (cu.status != KWH_CUST_OPEN)
        return kwh_err_set(e, KWH_ECONFLICT, "account %08u is %s: no card can be issued for it",
                           customer_no, model_status_name(cu.status));
    if ((rc = store_ops_pending_for_customer(c->db, cu.id, &pending, e)) < 0)
        return rc;
    if (pending > 0)
        return kwh_err_set(e, KWH_ECONFLICT,
                           "a card write for account %08u is not settled: "
                           "read that card first",
                           customer_no);
    rc = store_op_last_done_for_customer(c->db, cu.id, &last, NULL);
    if (rc == 0 || card_serial_is_set(cu.card_serial))
        return kwh_err_set(e, KWH_ECONFLICT,
                           "account %08u already has a card: for a lost or "
                           "broken one use 补卡 (reissue)",
                           customer_no);
    if (cu.purchase_count >= 65535)
        return kwh_err_set(e, KWH_ECONFLICT,
                           "account %08u: the meter's purchase count is "
                           "exhausted",
                           customer_no);
    if (p == NULL)
        p = &none;
    if ((rc = vend_compute(c, &cu, p, NULL, cu.balance_ckwh > 0 ? cu.balance_ckwh : 0, &q, e)) < 0)
        return rc;
    if ((rc = vend_load(c, &v, e)) < 0)
        return rc;
    if (v.card.type != KWH_CARD_BLANK)
        return kwh_err_set(e, KWH_ECONFLICT,
                           "the card in the reader is a %s card, not blank: "
                           "put a blank card in (or wipe this one with 读卡清卡)",
                           card_type_name(v.card.type));

    memset(&co, 0, sizeof co);
    co.op.kind = KWH_OP_OPEN;
    co.op.customer_id = cu.id;
    cardop_expect(&co, &cu);
    if (card_serial_is_set(v.card.serial))
        memcpy(co.op.serial, v.card.serial, CARD_SERIAL_LEN);
    else
        cardop_new_serial(co.op.serial);
    vend_base_card(&cu, &card, now);
    memcpy(card.serial, co.op.serial, CARD_SERIAL_LEN);
    card.purchase_count = (uint16_t)(cu.purchase_count + 1);
    card.purchase_ckwh = (uint32_t)q.card_ckwh;
    card.free_ckwh = (uint32_t)q.free_ckwh;
    card.flags = CARD_F_KEYX;
    if ((rc = card_encode(v.img, &card, &c->keys, co.op.new_image, e)) < 0)
        return rc;
    vend_fill_sale(&co.sales[0], KWH_OP_OPEN, &cu, &q, p, card.purchase_count);
    co.nsales = 1;
    co.audit_op = "first-card";
    snprintf(co.audit_subject, sizeof co.audit_subject, "account %08u", cu.customer_no);
    snprintf(co.audit_detail, sizeof co.audit_detail,
             "meter=%08u count=%u energy=%lld adjust=%lld free=%lld amount=%lld pay=%s",
             cu.meter.meter_no, card.purchase_count, (long long)q.energy_ckwh,
             (long long)q.adjust_ckwh, (long long)q.free_ckwh, (long long)q.amount_fen,
             model_pay_name(p->pay_method));
    return vend_finish(c, s, &co, v.img, out, e);
}
