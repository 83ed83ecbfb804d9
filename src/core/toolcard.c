/* SPDX-License-Identifier: Apache-2.0 */
/* Tool cards (M30) and 读卡清卡 (M31). */
#include <stdio.h>
#include <string.h>

#include "core/vend.h"
#include "kwhpos/units.h"
#include "kwhpos/util.h"

static int check_tool_params(int type, const struct kwh_meter_params *p, struct kwh_err *e)
{
    if (type != KWH_CARD_MANAGEMENT)
        return 0;
    if (p == NULL)
        return kwh_err_set(e, KWH_EINVAL, "a management card needs the parameters to set");
    if (p->current_limit_a < 1 || p->current_limit_a > 1000)
        return kwh_err_set(e, KWH_EINVAL, "current limit: 1 to 1000 A");
    if (p->alarm_ckwh > UNITS_MAX_CKWH || p->overdraft_ckwh > UNITS_MAX_CKWH ||
        p->hoard_ckwh == 0 || p->hoard_ckwh > UNITS_MAX_CKWH)
        return kwh_err_set(e, KWH_EINVAL,
                           "alarm, overdraft: 0 to 999999.99 kWh; hoard: more "
                           "than 0");
    return 0;
}

int toolcard_make(struct kwh_core *c, const struct kwh_session *s, int type,
                  const struct kwh_meter_params *params, struct kwh_err *e)
{
    struct vend_card v;
    struct kwh_card card;
    struct cardop co;
    int rc;

    if (type < KWH_CARD_MANAGEMENT || type > KWH_CARD_TEST)
        return kwh_err_set(e, KWH_EINVAL, "choose a tool card: management, clear, relay or test");
    rc = auth_permit(s, KWH_ACT_TOOL_CARD, type, e);
    if (rc < 0 || (rc = check_tool_params(type, params, e)) < 0)
        return rc;
    if ((rc = vend_load(c, &v, e)) < 0)
        return rc;
    if (v.card.type != KWH_CARD_BLANK)
        return kwh_err_set(e, KWH_ECONFLICT,
                           "the card in the reader is a %s card, not blank: "
                           "wipe it first with 读卡清卡",
                           kwh_trc("card", card_type_name(v.card.type)));
    memset(&card, 0, sizeof card);
    memset(&co, 0, sizeof co);
    card.type = (uint8_t)type;
    if (card_serial_is_set(v.card.serial))
        memcpy(card.serial, v.card.serial, CARD_SERIAL_LEN);
    else
        cardop_new_serial(card.serial);
    if (type == KWH_CARD_MANAGEMENT)
        card.params = *params;
    card.params.ct_ratio = 1;
    card.issued = (uint32_t)core_now(c);
    co.op.kind = KWH_OP_TOOL;
    memcpy(co.op.serial, card.serial, CARD_SERIAL_LEN);
    if ((rc = card_encode(v.img, &card, &c->keys, co.op.new_image, e)) < 0)
        return rc;
    co.audit_op = "tool-card";
    snprintf(co.audit_subject, sizeof co.audit_subject, "%s card", card_type_name(type));
    snprintf(co.audit_detail, sizeof co.audit_detail,
             "type=%s limit=%u alarm=%u overdraft=%u hoard=%u", card_type_name(type),
             card.params.current_limit_a, card.params.alarm_ckwh, card.params.overdraft_ckwh,
             card.params.hoard_ckwh);
    return vend_finish(c, s, &co, v.img, NULL, e);
}

int toolcard_read(struct kwh_core *c, const struct kwh_session *s, struct kwh_card_info *out,
                  struct kwh_err *e)
{
    struct vend_card v;
    struct kwh_err why;
    int rc;

    memset(out, 0, sizeof *out);
    if ((rc = need_operator(s, e)) < 0)
        return rc;
    rc = vend_load(c, &v, &why);
    str_copy(out->notice, sizeof out->notice, v.notice);
    if (rc == 0) {
        out->ours = true;
        out->blank = v.card.type == KWH_CARD_BLANK;
        out->card = v.card;
        out->has_customer = v.has_cust;
        out->customer = v.cust;
        out->purchase_loaded = vend_purchase_in_meter(&v);
        return 0;
    }
    if (rc != KWH_ECARD) {
        if (e)
            *e = why;
        return rc;
    }
    /* not ours (or refused): describe what it says, without trusting it */
    str_copy(out->problem, sizeof out->problem, why.msg);
    if (card_decode(v.img, NULL, &out->card, NULL) < 0)
        memset(&out->card, 0, sizeof out->card);
    if (v.has_cust) {
        out->has_customer = true;
        out->customer = v.cust;
    }
    return 0;
}

int toolcard_wipe(struct kwh_core *c, const struct kwh_session *s, struct kwh_err *e)
{
    struct vend_card v;
    struct kwh_customer holder;
    struct cardop co;
    int rc;

    if ((rc = need_operator(s, e)) < 0)
        return rc;
    rc = vend_load(c, &v, e);
    if (rc == KWH_ECARD && card_decode(v.img, &c->keys, &v.card, NULL) == 0 &&
        store_customer_by_serial(c->db, v.card.serial, &holder, NULL) != 0) {
        /* a replaced card of this site: its content is genuine, it may be wiped */
        kwh_err_clear(e);
        rc = 0;
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
    memset(&co, 0, sizeof co);
    co.op.kind = KWH_OP_WIPE;
    memcpy(co.op.serial, v.card.serial, CARD_SERIAL_LEN);
    card_blank_image(co.op.new_image);
    memcpy(co.op.new_image, v.img, 4); /* the manufacturer's bytes stay */
    memcpy(co.op.new_image + CARD_OFF_SERIAL, v.img + CARD_OFF_SERIAL, CARD_SERIAL_LEN);
    co.audit_op = "wipe";
    snprintf(co.audit_subject, sizeof co.audit_subject, "%s card%s", card_type_name(v.card.type),
             v.has_cust ? " of an account" : "");
    if (v.has_cust)
        snprintf(co.audit_detail, sizeof co.audit_detail, "account=%08u meter=%08u",
                 v.cust.customer_no, v.cust.meter.meter_no);
    return vend_finish(c, s, &co, v.img, NULL, e);
}
