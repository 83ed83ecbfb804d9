/* SPDX-License-Identifier: Apache-2.0 */
#include "scenes.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "fakecard.h"
#include "ops.h"

/* Purchases by kWh with 1 kWh of 调剂, paid by Alipay. */
static struct kwh_purchase_req kwh(int64_t ckwh)
{
    return (struct kwh_purchase_req){KWH_BY_KWH, ckwh, 100, KWH_PAY_ALIPAY, ""};
}

void scene_blank(struct site *s, struct scene *x)
{
    (void)x;
    fakecard_blank(s->card);
}

void scene_loaded(struct site *s, struct scene *x)
{
    x->customer_no = site_open(s, SCENE_METER, 10000);
    site_meter_loads(s, 8000);
}

void scene_sold(struct site *s, struct scene *x)
{
    struct kwh_purchase_req p = kwh(5000);
    struct kwh_receipt r;
    struct kwh_err e;
    scene_loaded(s, x);
    if (ops_sell(s->core, &s->seller, x->customer_no, &p, &r, &e) < 0)
        fail_msg("sell: %s", e.msg);
    x->invoice_no = r.sale.invoice_no;
}

void scene_lost(struct site *s, struct scene *x)
{
    scene_loaded(s, x);
    fakecard_blank(s->card);
}

int scene_open(struct kwh_core *c, struct site *s, struct scene *x, struct kwh_err *e)
{
    struct kwh_account_req a = site_account(s, SCENE_METER, "张三");
    struct kwh_purchase_req p = kwh(10000);
    (void)x;
    return ops_open(c, &s->seller, &a, &p, NULL, e);
}

int scene_sell(struct kwh_core *c, struct site *s, struct scene *x, struct kwh_err *e)
{
    struct kwh_purchase_req p = kwh(3000);
    return ops_sell(c, &s->seller, x->customer_no, &p, NULL, e);
}

int scene_resell(struct kwh_core *c, struct site *s, struct scene *x, struct kwh_err *e)
{
    struct kwh_purchase_req p = kwh(2000);
    return ops_resell(c, &s->seller, x->customer_no, &p, NULL, e);
}

int scene_reissue_unconsumed(struct kwh_core *c, struct site *s, struct scene *x, struct kwh_err *e)
{
    return ops_reissue(c, &s->seller, x->customer_no, false, 1000, NULL, NULL, e);
}

int scene_reissue_consumed_sale(struct kwh_core *c, struct site *s, struct scene *x,
                                struct kwh_err *e)
{
    struct kwh_purchase_req p = kwh(4000);
    return ops_reissue(c, &s->seller, x->customer_no, true, 500, &p, NULL, e);
}

int scene_refund_card(struct kwh_core *c, struct site *s, struct scene *x, struct kwh_err *e)
{
    return ops_refund_card(c, &s->seller, x->customer_no, e);
}

int scene_meter_change(struct kwh_core *c, struct site *s, struct scene *x, struct kwh_err *e)
{
    struct kwh_meter_change_req m;
    struct kwh_purchase_req p = kwh(1000);
    memset(&m, 0, sizeof m);
    m.meter = site_account(s, SCENE_NEW_METER, "x").meter;
    m.old_remaining_ckwh = 7000;
    return ops_meter_change(c, &s->admin, x->customer_no, &m, &p, NULL, e);
}
