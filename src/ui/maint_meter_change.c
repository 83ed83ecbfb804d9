/* SPDX-License-Identifier: Apache-2.0 */
/* 换表 (M16, admin): the account moves to a new meter; the old meter's remaining energy
 * and an optional purchase go on the card. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "kwhpos/plan.h"
#include "kwhpos/units.h"
#include "kwhpos/util.h"
#include "ui/parts.h"

enum { F_METER, F_OLD = MF_COUNT, F_PURCHASE, F_N = F_PURCHASE + PF_COUNT };

#define FORM_ROW (UI_TOP + 3)

struct change {
    struct cust_ctx cc;
    struct field f[F_N];
    struct form fm;
    struct last_receipt last;
};

static void change_enter(struct app *a, void *st, int arg)
{
    struct change *s = st;

    (void)a;
    (void)arg;
    meter_fields_init(&s->f[F_METER], 0, 0);
    s->f[F_OLD] = (struct field){.label = N_("Old meter remaining kWh"),
                                 .kind = FK_ENERGY,
                                 .row = 0,
                                 .col = 1,
                                 .imin = -UNITS_MAX_CKWH,
                                 .imax = UNITS_MAX_CKWH,
                                 .optional_zero = true,
                                 .width = 12};
    purchase_fields_init(&s->f[F_PURCHASE], 2, 1, false);
    purchase_fields_sync(&s->f[F_PURCHASE]);
    form_init(&s->fm, s->f, F_N, FORM_ROW);
}

static void load_meter(struct change *s)
{
    meter_fields_set(&s->fm, F_METER, &s->cc.c.meter);
    if (s->cc.from_card && s->cc.view.card.ret.valid)
        form_set_value(&s->fm, F_OLD, s->cc.view.card.ret.remaining_ckwh);
}

static void change_draw(struct app *a, void *st)
{
    struct change *s = st;

    cust_summary(a, &s->cc, UI_TOP);
    draw_text(stdscr, FORM_ROW + 1, COLS / 2 + 1, COLS / 2 - 3, _("New purchase (optional):"),
              theme_attr(CLR_INFO));
    draw_text(stdscr, FORM_ROW + 9, 2, COLS - 4,
              _("Enter the new meter's data and what the old meter showed as remaining."),
              theme_attr(CLR_INFO));
    form_draw(&s->fm, s->cc.have);
}

static int change_submit(struct app *a, struct change *s)
{
    struct kwh_meter_change_req m;
    struct kwh_purchase_req p;
    struct kwh_plan *plan = NULL;
    const struct kwh_plan_view *v;
    struct kwh_receipt r;
    struct kwh_err e;
    char q[512], b[32];

    if (!s->cc.from_card) {
        app_msg(a, CLR_ERROR, "%s", _("Read the customer's card first (F2)."));
        return UI_HANDLED;
    }
    if (!cust_form_ready(a, &s->cc, &s->fm, _("Read the customer's card first (F2).")))
        return UI_HANDLED;
    memset(&m, 0, sizeof m);
    meter_fields_get(&s->fm, F_METER, &m.meter);
    m.old_remaining_ckwh = form_value(&s->fm, F_OLD);
    purchase_fields_get(&s->fm, F_PURCHASE, &p);
    kwh_err_clear(&e);
    if (plan_made(a, meter_change_plan(a->core, &a->s, &s->cc.view, &m, &p, &plan, &e), &e) < 0)
        return UI_HANDLED;
    v = plan_view(plan);
    snprintf(q, sizeof q,
             _("Move customer %" PRIu32 " %s from meter %08" PRIu32 " to meter %08" PRIu32
               ", carrying %s kWh, and write the card?"),
             v->before.customer_no, v->before.name, v->before.meter.meter_no,
             v->after.meter.meter_no, fmt_energy(b, sizeof b, v->carried_ckwh));
    if (plan_confirm_commit(a, plan, _("Meter change"), q, &r) <= 0)
        return UI_HANDLED;
    cust_reload(a, &s->cc);
    s->cc.from_card = false;
    app_msg(a, CLR_OK, "%s", _("Meter changed. The card now belongs to the new meter."));
    receipt_keep(a, &s->last, &r, _("Meter changed"));
    return UI_HANDLED;
}

static int change_action(struct app *a, void *st, int act)
{
    struct change *s = st;

    switch (act) {
    case ACT_READ:
        if (cust_read_card(a, &s->cc))
            load_meter(s);
        return UI_HANDLED;
    case ACT_SUBMIT: return change_submit(a, s);
    default: return purchase_action(a, &s->fm, F_PURCHASE, &s->last, act);
    }
}

static int change_key(struct app *a, void *st, int type, wint_t ch)
{
    struct change *s = st;
    int r = cust_form_key(a, &s->cc, &s->fm, type, ch, _("Read the customer's card first (F2)."));

    meter_fields_sync(&s->f[F_METER]);
    purchase_fields_sync(&s->f[F_PURCHASE]);
    return r;
}

const struct screen scr_meter_change = {
    .title = N_("Meter change"),
    .actions = ACT_BIT(ACT_READ) | ACT_BIT(ACT_TOGGLE) | ACT_BIT(ACT_PRINT),
    .submit_label = N_("Change meter"),
    .state_size = sizeof(struct change),
    .enter = change_enter,
    .draw = change_draw,
    .action = change_action,
    .key = change_key,
};
