/* SPDX-License-Identifier: Apache-2.0 */
/* 用户信息维护 (M19, admin): edit name, address, phone, tariff and meter parameters;
 * changed parameters are written to the card in the reader. The account's money terms
 * (docs/units.md) are here too: its extra first-tier allowance and how its arrears are
 * recovered at a sale (the site's rule, or its own). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "kwhpos/money.h"
#include "kwhpos/plan.h"
#include "kwhpos/units.h"
#include "kwhpos/util.h"
#include "ui/area_pick.h"
#include "ui/parts.h"

enum {
    F_ACCOUNT,
    F_METER = AF_COUNT,
    F_EXTRA = F_METER + MF_COUNT, /* extra first-tier kWh */
    F_RULE,                       /* arrears recovery: the site's, fixed, percentage */
    F_RFIXED,
    F_RPERCENT,
    F_AREA, /* the account's area */
    F_N
};

static const char *const rules[] = {N_("The site's rule"), N_("Fixed amount per sale"),
                                    N_("Percentage of payment")};

#define FORM_ROW (UI_TOP + 3)

struct edit {
    struct cust_ctx cc;
    struct field f[F_N];
    struct form fm;
    struct tariff_pick tp;
    struct area_pick ap;
};

/* The value field of the arrears rule chosen. */
static void terms_sync(struct edit *s)
{
    s->f[F_RFIXED].hidden = s->f[F_RULE].sel != 1;
    s->f[F_RPERCENT].hidden = s->f[F_RULE].sel != 2;
}

static void edit_enter(struct app *a, void *st, int arg)
{
    struct edit *s = st;

    (void)arg;
    account_fields_init(a, &s->f[F_ACCOUNT], &s->tp);
    meter_fields_init(&s->f[F_METER], 0, 1);
    s->f[F_METER + MF_NO].readonly = true;
    s->f[F_AREA] = (struct field){.label = N_("Area"), .row = 4};
    area_pick_load(a, &s->ap, &s->f[F_AREA], 0);
    s->f[F_EXTRA] = (struct field){.label = N_("Tier 1 extra"),
                                   .kind = FK_ENERGY,
                                   .row = 5,
                                   .optional_zero = true,
                                   .imax = UNITS_MAX_CKWH,
                                   .width = 10};
    s->f[F_RULE] = (struct field){.label = N_("Arrears rule"),
                                  .kind = FK_CHOICE,
                                  .row = 6,
                                  .items = rules,
                                  .nitems = (int)KWH_ARRAY_LEN(rules)};
    s->f[F_RFIXED] = (struct field){.label = N_("Per sale (yuan)"),
                                    .kind = FK_MONEY,
                                    .row = 7,
                                    .required = true,
                                    .imax = UNITS_MAX_FEN,
                                    .width = 10};
    s->f[F_RPERCENT] = (struct field){.label = N_("Percent"),
                                      .kind = FK_INT,
                                      .row = 7,
                                      .required = true,
                                      .imin = 1,
                                      .imax = 100,
                                      .width = 5};
    form_init(&s->fm, s->f, F_N, FORM_ROW);
    terms_sync(s);
}

static void edit_leave(struct app *a, void *st)
{
    (void)a;
    area_pick_fini(&((struct edit *)st)->ap);
}

static void loaded(struct app *a, struct edit *s)
{
    const struct kwh_customer *c = &s->cc.c;

    account_fields_set(a, &s->fm, F_ACCOUNT, &s->tp, c);
    meter_fields_set(&s->fm, F_METER, &c->meter);
    form_set_value(&s->fm, F_EXTRA, c->tier_extra_ckwh);
    s->f[F_RULE].sel = c->recovery_mode == KWH_RECOVER_FIXED     ? 1
                       : c->recovery_mode == KWH_RECOVER_PERCENT ? 2
                                                                 : 0;
    form_set_text(&s->fm, F_RFIXED, "");
    form_set_text(&s->fm, F_RPERCENT, "");
    if (c->recovery_mode == KWH_RECOVER_FIXED)
        form_set_value(&s->fm, F_RFIXED, c->recovery_value);
    else if (c->recovery_mode == KWH_RECOVER_PERCENT)
        form_set_value(&s->fm, F_RPERCENT, c->recovery_value);
    area_pick_select(&s->ap, &s->f[F_AREA], c->area_id);
    terms_sync(s);
    form_focus(&s->fm, F_ACCOUNT + AF_NAME);
}

/* The money terms as the form says them, saved when they changed (after the account's
 * other fields): 0, or the core's refusal in e. */
static int terms_save(struct app *a, struct edit *s, struct kwh_err *e)
{
    const struct kwh_customer *c = &s->cc.c;
    struct kwh_recovery_rule r = {KWH_RECOVER_SITE, 0};
    int64_t extra = form_value(&s->fm, F_EXTRA);
    int rc;

    if (s->f[F_RULE].sel == 1)
        r = (struct kwh_recovery_rule){KWH_RECOVER_FIXED, form_value(&s->fm, F_RFIXED)};
    else if (s->f[F_RULE].sel == 2)
        r = (struct kwh_recovery_rule){KWH_RECOVER_PERCENT, form_value(&s->fm, F_RPERCENT)};
    if (extra != c->tier_extra_ckwh &&
        (rc = account_set_tier_extra(a->core, &a->s, c->customer_no, extra, e)) < 0)
        return rc;
    if ((r.mode != c->recovery_mode ||
         (r.mode != KWH_RECOVER_SITE && r.value != c->recovery_value)) &&
        (rc = arrears_set_account_rule(a->core, &a->s, c->customer_no, &r, e)) < 0)
        return rc;
    return 0;
}

static void edit_draw(struct app *a, void *st)
{
    struct edit *s = st;

    cust_summary(a, &s->cc, UI_TOP);
    draw_text(stdscr, FORM_ROW + 9, 2, COLS - 4,
              _("Changed meter parameters are written to the card: keep it in the reader."),
              theme_attr(CLR_INFO));
    form_draw(&s->fm, s->cc.have);
}

static int edit_submit(struct app *a, struct edit *s)
{
    struct kwh_account_req req;
    struct kwh_plan *plan = NULL;
    struct kwh_receipt r;
    struct kwh_err e;
    bool written;
    int rc;

    if (!cust_form_ready(a, &s->cc, &s->fm,
                         _("Read the card (F2) or find the customer (F3) first.")))
        return UI_HANDLED;
    memset(&req, 0, sizeof req);
    account_fields_get(&s->fm, F_ACCOUNT, &s->tp, &req);
    meter_fields_get(&s->fm, F_METER, &req.meter);
    req.meter.meter_no = s->cc.c.meter.meter_no;
    req.area_id = area_pick_id(&s->ap, &s->f[F_AREA]);
    kwh_err_clear(&e);
    rc = edit_plan(a->core, &a->s, s->cc.c.customer_no, s->cc.from_card ? &s->cc.view : NULL, &req,
                   &plan, &e);
    if (rc == KWH_ECONFLICT && e.detail == KWH_PLAN_NEEDS_CARD) {
        app_msg(a, CLR_ERROR, "%s",
                _("The new meter parameters go onto the customer's card: read it first (F2)."));
        return UI_HANDLED;
    }
    if (plan_made(a, rc, &e) < 0)
        return UI_HANDLED;
    written = plan_view(plan)->writes_card;
    if (plan_confirm_commit(
            a, plan, _("Edit customer"),
            written ? _("Save the changes and write the card?") : _("Save the changes?"), &r) <= 0)
        return UI_HANDLED;
    kwh_err_clear(&e);
    rc = terms_save(a, s, &e);
    cust_reload(a, &s->cc);
    s->cc.from_card = false;
    if (rc < 0) {
        app_error(a, &e);
        return UI_HANDLED;
    }
    app_msg(a, CLR_OK, "%s",
            written ? _("Saved, and the card was rewritten. The customer inserts it in the meter.")
                    : _("Saved."));
    return UI_HANDLED;
}

static int edit_action(struct app *a, void *st, int act)
{
    struct edit *s = st;

    switch (act) {
    case ACT_READ:
        if (cust_read_card(a, &s->cc))
            loaded(a, s);
        return UI_HANDLED;
    case ACT_FIND:
        if (cust_find(a, &s->cc))
            loaded(a, s);
        return UI_HANDLED;
    case ACT_SUBMIT: return edit_submit(a, s);
    default: return UI_IGNORED;
    }
}

static int edit_key(struct app *a, void *st, int type, wint_t ch)
{
    struct edit *s = st;
    int r;

    if (!s->cc.have)
        return UI_IGNORED;
    r = form_key(a, &s->fm, type, ch);
    meter_fields_sync(&s->f[F_METER]);
    terms_sync(s);
    return r;
}

const struct screen scr_edit = {
    .title = N_("Edit customer"),
    .actions = ACT_BIT(ACT_READ) | ACT_BIT(ACT_FIND),
    .submit_label = N_("Save"),
    .state_size = sizeof(struct edit),
    .enter = edit_enter,
    .draw = edit_draw,
    .action = edit_action,
    .key = edit_key,
    .leave = edit_leave,
};
