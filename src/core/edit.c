/* SPDX-License-Identifier: Apache-2.0 */
/* 用户信息维护 (M19, admin): name, address, phone, tariff and the meter's parameters.
 * Changed parameters are written to the customer's card (same purchase, new
 * parameters); the rest changes in the database alone, after the card when both do. */
#include <stdio.h>
#include <string.h>

#include "core/plan_int.h"
#include "kwhpos/util.h"
#include "store/store.h"

static bool params_differ(const struct kwh_meter *a, const struct kwh_meter *b)
{
    return a->rating_a != b->rating_a || a->current_limit_a != b->current_limit_a ||
           a->alarm_ckwh != b->alarm_ckwh || a->overdraft_ckwh != b->overdraft_ckwh ||
           a->hoard_ckwh != b->hoard_ckwh || a->ct_ratio != b->ct_ratio;
}

/* The new parameters onto the customer's card, as read in view. */
static int write_params(struct kwh_core *c, struct kwh_plan *p, const struct kwh_customer *cu,
                        const struct kwh_card_view *view, const struct kwh_meter *m,
                        struct kwh_err *e)
{
    struct seen_card v;
    struct kwh_card card;
    char subject[32];
    int rc;

    if (view == NULL)
        return kwh_err_setd(e, KWH_ECONFLICT, KWH_PLAN_NEEDS_CARD,
                            "the meter parameters are written to the customer's card: put it "
                            "in the reader and read it first");
    if ((rc = cardview_check(c, view->img, &v, e)) < 0 || (rc = rules_account_card(c, &v, e)) < 0)
        return kwh_err_prefix(e, "the meter parameters are written to the customer's card");
    if (v.cust.id != cu->id)
        return kwh_err_set(e, KWH_ECONFLICT,
                           "the card in the reader belongs to account %08u, not %08u: the card "
                           "was changed; read it again",
                           v.cust.customer_no, cu->customer_no);
    p->v.kind = p->op.kind = KWH_OP_EDIT;
    p->op.has_meter = true;
    p->op.meter = *m;
    card = v.card;
    rules_meter_params(m, &card.params);
    card.issued = (uint32_t)core_now(c);
    /* a purchase already in the meter must not be offered again; the key lets a cleared
       meter take the card */
    card.flags = CARD_F_KEYX | (cardview_purchase_in_meter(&v) ? CARD_F_NO_PURCHASE : 0);
    if ((rc = plan_write_card(c, p, v.img, &card, e)) < 0)
        return rc;
    snprintf(subject, sizeof subject, "account %08u", cu->customer_no);
    plan_audit(p, "edit-meter", subject,
               "rating=%d limit=%d alarm=%lld overdraft=%lld hoard=%lld ct=%d", m->rating_a,
               m->current_limit_a, (long long)m->alarm_ckwh, (long long)m->overdraft_ckwh,
               (long long)m->hoard_ckwh, m->ct_ratio);
    return 0;
}

int edit_plan(struct kwh_core *c, const struct kwh_session *s, uint32_t customer_no,
              const struct kwh_card_view *view, const struct kwh_account_req *a,
              struct kwh_plan **out, struct kwh_err *e)
{
    struct kwh_customer cu;
    struct kwh_tariff t;
    struct kwh_plan *p;
    struct kwh_meter m = a->meter;
    int rc;

    *out = NULL;
    if ((rc = auth_permit(s, KWH_ACT_EDIT, 0, e)) < 0 ||
        (rc = rules_check_person(a->name, a->address, a->phone, e)) < 0)
        return rc;
    if ((p = plan_new(c, s, 0, e)) == NULL)
        return e ? e->code : KWH_ENOMEM;
    if ((rc = plan_account_by_no(c, p, customer_no, &cu, e)) < 0)
        return plan_fail(p, rc);
    if (cu.status != KWH_CUST_OPEN)
        return plan_fail(p, kwh_err_set(e, KWH_ECONFLICT, "account %08u is %s", customer_no,
                                        kwh_trc("status", model_status_name(cu.status))));
    if ((rc = plan_expect_tariff(c, p, a->tariff_id, &t, e)) < 0)
        return plan_fail(p, rc);
    /* the meter itself changes only through 换表 */
    m.meter_no = cu.meter.meter_no;
    m.meter_type = cu.meter.meter_type;
    if ((rc = rules_check_meter(&m, e)) < 0 || (rc = plan_expect_account(c, p, &cu, e)) < 0)
        return plan_fail(p, rc);
    if (params_differ(&m, &cu.meter) && (rc = write_params(c, p, &cu, view, &m, e)) < 0)
        return plan_fail(p, rc);
    if (a->area_id != 0 && a->area_id != cu.area_id) {
        struct store_area area;
        if ((rc = store_area_get(c->db, a->area_id, &area, e)) < 0 ||
            (rc = scope_permit_op(c, p->operator_id, area.id, e)) < 0)
            return plan_fail(p, rc);
    }
    if (strcmp(cu.name, a->name) != 0 || strcmp(cu.address, a->address) != 0 ||
        strcmp(cu.phone, a->phone) != 0 || cu.tariff_id != t.id ||
        (a->area_id != 0 && a->area_id != cu.area_id)) {
        p->v.text_changes = true;
        p->cu_after = cu;
        str_copy(p->cu_after.name, sizeof p->cu_after.name, a->name);
        str_copy(p->cu_after.address, sizeof p->cu_after.address, a->address);
        str_copy(p->cu_after.phone, sizeof p->cu_after.phone, a->phone);
        p->cu_after.tariff_id = t.id;
        str_copy(p->cu_after.tariff_name, sizeof p->cu_after.tariff_name, t.name);
        p->cu_after.price = t.price;
        if (a->area_id != 0)
            p->cu_after.area_id = a->area_id;
        p->cu_fields = STORE_CU_PERSON | STORE_CU_TARIFF | STORE_CU_AREA;
        /* no event row: edits are not one of the manual's queries; the audit keeps them */
        str_copy(p->text_audit_op, sizeof p->text_audit_op, "edit");
        if (snprintf(p->text_before, sizeof p->text_before,
                     "name=%s address=%s phone=%s tariff=%s area=%lld", cu.name, cu.address,
                     cu.phone, cu.tariff_name, (long long)cu.area_id) >= (int)sizeof p->text_before)
            str_copy(p->text_before + sizeof p->text_before - 4, 4, "...");
        if (snprintf(p->text_after, sizeof p->text_after,
                     "name=%s address=%s phone=%s tariff=%s area=%lld", a->name, a->address,
                     a->phone, t.name, (long long)p->cu_after.area_id) >= (int)sizeof p->text_after)
            str_copy(p->text_after + sizeof p->text_after - 4, 4, "...");
        if (!p->card_write) {
            str_copy(p->audit_op, sizeof p->audit_op, p->text_audit_op);
            str_copy(p->audit_before, sizeof p->audit_before, p->text_before);
            str_copy(p->audit_detail, sizeof p->audit_detail, p->text_after);
        }
    }
    return plan_finish(c, p, out, e);
}
