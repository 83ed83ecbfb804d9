/* SPDX-License-Identifier: Apache-2.0 */
/* 用户开户 (M10): a new account on the blank card in the reader, with an optional first
 * purchase. The card carries the site key, so the un-opened meter learns it. */
#include <stdio.h>
#include <string.h>

#include "core/plan_int.h"
#include "kwhpos/util.h"
#include "store/store.h"

void open_meter_defaults(struct kwh_meter *m)
{
    memset(m, 0, sizeof *m);
    m->meter_type = KWH_METER_SINGLE;
    m->rating_a = 60;
    m->current_limit_a = m->rating_a;
    m->alarm_ckwh = 1000;
    m->overdraft_ckwh = 500;
    m->hoard_ckwh = 200000;
    m->ct_ratio = 1;
}

int open_plan(struct kwh_core *c, const struct kwh_session *s, const struct kwh_card_view *blank,
              const struct kwh_account_req *a, const struct kwh_purchase_req *req,
              struct kwh_plan **out, struct kwh_err *e)
{
    struct kwh_customer cu, other;
    struct kwh_tariff t;
    struct seen_card v;
    struct kwh_plan *p;
    int64_t area = 0;
    struct kwh_meter m = a->meter;
    char subject[32];
    int rc;

    *out = NULL;
    if ((rc = need_operator(s, e)) < 0 ||
        (rc = rules_check_person(a->name, a->address, a->phone, e)) < 0 ||
        (rc = rules_check_meter(&m, e)) < 0)
        return rc;
    if ((p = plan_new(c, s, KWH_OP_OPEN, e)) == NULL)
        return e ? e->code : KWH_ENOMEM;
    if ((rc = rules_check_request(req, &p->site, e)) < 0 ||
        (rc = plan_expect_tariff(c, p, a->tariff_id, &t, e)) < 0 ||
        (rc = scope_area_or_default(c, p->operator_id, a->area_id, &area, e)) < 0)
        return plan_fail(p, rc);
    if (store_customer_by_meter(c->db, m.meter_no, &other, NULL) == 0)
        return plan_fail(p, kwh_err_set(e, KWH_ECONFLICT,
                                        "meter number %08u already belongs to account "
                                        "%08u (%s)",
                                        m.meter_no, other.customer_no, other.name));
    if ((rc = cardview_check(c, blank->img, &v, e)) < 0 || (rc = rules_blank_card(&v, e)) < 0 ||
        (rc = arrears_carry_preview(c, m.meter_no, &p->v.carried_arrears_fen, &p->v.carried_from_no,
                                    e)) < 0)
        return plan_fail(p, rc);

    memset(&cu, 0, sizeof cu);
    str_copy(cu.name, sizeof cu.name, a->name);
    str_copy(cu.address, sizeof cu.address, a->address);
    str_copy(cu.phone, sizeof cu.phone, a->phone);
    cu.meter = m;
    cu.tariff_id = t.id;
    cu.area_id = area;
    str_copy(cu.tariff_name, sizeof cu.tariff_name, t.name);
    cu.price = t.price;
    cu.opened = core_now(c);
    cu.status = KWH_CUST_PENDING;
    cu.purchase_count = 1;
    rules_card_serial(&v, cu.card_serial);
    p->new_account = true;
    p->account = cu;
    p->v.has_account = true;
    p->v.before = cu;
    plan_expect_meter_free(p, m.meter_no, 0);
    if ((rc = plan_purchase(c, p, &cu, v.img, req, NULL, 1, 0, CARD_F_KEYX, e)) < 0)
        return plan_fail(p, rc);
    snprintf(subject, sizeof subject, "meter %08u", m.meter_no);
    plan_audit(p, "open", subject,
               "name=%s meter=%08u type=%d tariff=%s energy=%lld adjust=%lld free=%lld "
               "amount=%lld pay=%s",
               cu.name, m.meter_no, m.meter_type, t.name, (long long)p->v.sale.energy_ckwh,
               (long long)p->v.sale.adjust_ckwh, (long long)p->v.sale.free_ckwh,
               (long long)p->v.sale.amount_fen, model_pay_name(p->v.sale.pay_method));
    return plan_finish(c, p, out, e);
}
