/* SPDX-License-Identifier: Apache-2.0 */
/* 用户过户 (M17): hand the account to a new owner, found by card or by number. */
#include <inttypes.h>
#include <stdio.h>

#include "kwhpos/oversight.h"
#include "kwhpos/plan.h"
#include "ui/area_pick.h"
#include "ui/parts.h"

enum { F_NAME, F_ADDR, F_PHONE, F_AREA, F_N };

#define FORM_ROW (UI_TOP + 10)

struct transfer {
    struct cust_ctx cc;
    struct field f[F_N];
    struct form fm;
    struct area_pick ap;
};

static void transfer_enter(struct app *a, void *st, int arg)
{
    struct transfer *s = st;

    (void)arg;
    s->f[F_NAME] = (struct field){
        .label = N_("New owner's name"), .kind = FK_TEXT, .row = 0, .required = true, .maxlen = 40};
    s->f[F_ADDR] = (struct field){.label = N_("Address"), .kind = FK_TEXT, .row = 1, .maxlen = 80};
    s->f[F_PHONE] = (struct field){.label = N_("Phone"), .kind = FK_TEXT, .row = 2, .maxlen = 30};
    /* a new owner may move in elsewhere: the area (moving an account is an admin's) */
    s->f[F_AREA] = (struct field){.label = N_("Area"), .row = 3, .readonly = !app_is_admin(a)};
    area_pick_load(a, &s->ap, &s->f[F_AREA], 0);
    form_init(&s->fm, s->f, F_N, FORM_ROW);
}

static void transfer_leave(struct app *a, void *st)
{
    (void)a;
    area_pick_fini(&((struct transfer *)st)->ap);
}

static void loaded(struct transfer *s)
{
    area_pick_select(&s->ap, &s->f[F_AREA], s->cc.c.area_id);
    form_set_text(&s->fm, F_NAME, "");
    form_set_text(&s->fm, F_ADDR, s->cc.c.address);
    form_set_text(&s->fm, F_PHONE, "");
    form_focus(&s->fm, F_NAME);
}

static void transfer_draw(struct app *a, void *st)
{
    struct transfer *s = st;

    cust_draw(a, &s->cc, UI_TOP);
    form_draw(&s->fm, s->cc.have);
}

static int transfer_action(struct app *a, void *st, int act)
{
    struct transfer *s = st;
    struct kwh_plan *plan = NULL;
    struct kwh_receipt r;
    struct kwh_err e;
    char q[512];
    int64_t area;

    switch (act) {
    case ACT_READ:
        if (cust_read_card(a, &s->cc))
            loaded(s);
        return UI_HANDLED;
    case ACT_FIND:
        if (cust_find(a, &s->cc))
            loaded(s);
        return UI_HANDLED;
    case ACT_SUBMIT:
        if (!s->cc.have) {
            app_msg(a, CLR_ERROR, "%s", _("Read the card (F2) or find the customer (F3) first."));
            return UI_HANDLED;
        }
        if (!form_validate(a, &s->fm))
            return UI_HANDLED;
        kwh_err_clear(&e);
        if (plan_made(a,
                      transfer_plan(a->core, &a->s, s->cc.c.customer_no, form_text(&s->fm, F_NAME),
                                    form_text(&s->fm, F_ADDR), form_text(&s->fm, F_PHONE), &plan,
                                    &e),
                      &e) < 0)
            return UI_HANDLED;
        snprintf(q, sizeof q, _("Transfer customer %" PRIu32 " from %s to %s?"),
                 s->cc.c.customer_no, s->cc.c.name, form_text(&s->fm, F_NAME));
        if (plan_confirm_commit(a, plan, _("Ownership transfer"), q, &r) <= 0)
            return UI_HANDLED;
        area = area_pick_id(&s->ap, &s->f[F_AREA]);
        if (area != 0 && area != s->cc.c.area_id &&
            area_assign(a->core, &a->s, s->cc.c.customer_no, area, &e) < 0) {
            cust_reload(a, &s->cc);
            app_error(a, &e);
            app_msg(a, CLR_WARN,
                    _("Customer %" PRIu32 " now belongs to %s; the area was not changed: %s"),
                    s->cc.c.customer_no, s->cc.c.name, e.msg);
            return UI_HANDLED;
        }
        cust_reload(a, &s->cc);
        app_msg(a, CLR_OK, _("Customer %" PRIu32 " now belongs to %s."), s->cc.c.customer_no,
                s->cc.c.name);
        return UI_HANDLED;
    default: return UI_IGNORED;
    }
}

static int transfer_key(struct app *a, void *st, int type, wint_t ch)
{
    struct transfer *s = st;

    if (!s->cc.have)
        return UI_IGNORED;
    return form_key(a, &s->fm, type, ch);
}

const struct screen scr_transfer = {
    .title = N_("Ownership transfer"),
    .actions = ACT_BIT(ACT_READ) | ACT_BIT(ACT_FIND),
    .submit_label = N_("Transfer"),
    .state_size = sizeof(struct transfer),
    .enter = transfer_enter,
    .draw = transfer_draw,
    .action = transfer_action,
    .key = transfer_key,
    .leave = transfer_leave,
};
