/* SPDX-License-Identifier: Apache-2.0 */
/* 用户开户 (M10): customer, meter and an optional first purchase, written onto the
 * blank card in the reader. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "kwhpos/plan.h"
#include "kwhpos/util.h"
#include "ui/area_pick.h"
#include "ui/parts.h"

enum {
    F_ACCOUNT,
    F_PURCHASE = AF_COUNT,
    F_METER = F_PURCHASE + PF_COUNT,
    F_AREA = F_METER + MF_COUNT,
    F_N
};

struct open {
    struct field f[F_N];
    struct form fm;
    struct tariff_pick tp;
    struct area_pick ap;
    struct last_receipt last;
};

static void open_enter(struct app *a, void *st, int arg)
{
    struct open *s = st;

    (void)arg;
    account_fields_init(a, &s->f[F_ACCOUNT], &s->tp);
    purchase_fields_init(&s->f[F_PURCHASE], 5, 0, true);
    purchase_fields_sync(&s->f[F_PURCHASE]);
    meter_fields_init(&s->f[F_METER], 0, 1);
    /* the area of the tree the account belongs to: the operator's own areas only */
    s->f[F_AREA] = (struct field){.label = N_("Area"), .row = 8, .col = 1};
    area_pick_load(a, &s->ap, &s->f[F_AREA], 0);
    form_init(&s->fm, s->f, F_N, UI_TOP + 1);
}

static void open_leave(struct app *a, void *st)
{
    (void)a;
    area_pick_fini(&((struct open *)st)->ap);
}

static void open_draw(struct app *a, void *st)
{
    struct open *s = st;

    (void)a;
    draw_text(stdscr, UI_TOP + 5, 2, COLS / 2 - 3, _("First purchase (optional):"),
              theme_attr(CLR_INFO));
    draw_text(stdscr, UI_TOP + 11, 2, COLS - 4,
              _("Put a blank card in the reader. Enter opens the account and writes the card."),
              theme_attr(CLR_INFO));
    if (s->last.have) {
        char line[200];
        snprintf(line, sizeof line, _("Customer number %" PRIu32 " opened (F7 prints)."),
                 s->last.r.customer.customer_no);
        draw_text(stdscr, UI_TOP + 12, 2, COLS - 4, line, theme_attr(CLR_OK));
    }
    form_draw(&s->fm, true);
}

static int open_submit(struct app *a, struct open *s)
{
    struct kwh_account_req req;
    struct kwh_purchase_req p;
    struct kwh_card_view blank;
    struct kwh_plan *plan = NULL;
    struct kwh_receipt r;
    struct kwh_err e;

    if (!form_validate(a, &s->fm))
        return UI_HANDLED;
    if (s->tp.n == 0) {
        app_msg(a, CLR_ERROR, "%s", _("There is no tariff yet: add one in System > Tariffs."));
        return UI_HANDLED;
    }
    memset(&req, 0, sizeof req);
    account_fields_get(&s->fm, F_ACCOUNT, &s->tp, &req);
    meter_fields_get(&s->fm, F_METER, &req.meter);
    purchase_fields_get(&s->fm, F_PURCHASE, &p);
    req.area_id = area_pick_id(&s->ap, &s->f[F_AREA]);
    kwh_err_clear(&e);
    app_msg(a, CLR_INFO, "%s", _("Reading the card..."));
    app_draw(a);
    if (plan_made(a, cardview_read(a->core, &a->s, &blank, &e), &e) < 0 ||
        plan_made(a, open_plan(a->core, &a->s, &blank, &req, &p, &plan, &e), &e) < 0)
        return UI_HANDLED;
    if (plan_confirm_commit(a, plan, _("Open the account"),
                            _("Write the blank card in the reader?"), &r) <= 0)
        return UI_HANDLED;
    if (r.customer.arrears_fen != 0) {
        char b[32];
        app_msg(a, CLR_OK,
                _("Account %" PRIu32 " opened; it owes %s yuan of arrears carried from the "
                  "meter's closed account, recovered at its sales. Write the customer and "
                  "meter numbers on the card."),
                r.customer.customer_no, fmt_money(b, sizeof b, r.customer.arrears_fen));
    } else {
        app_msg(a, CLR_OK,
                _("Account %" PRIu32 " opened. Write the customer and meter numbers "
                  "on the card."),
                r.customer.customer_no);
    }
    receipt_keep(a, &s->last, &r, _("Account opened"));
    /* an empty form for the next account (in the same area); the line under it names the
       one just opened */
    {
        int64_t area = req.area_id;
        area_pick_fini(&s->ap);
        open_enter(a, s, 0);
        area_pick_select(&s->ap, &s->f[F_AREA], area);
    }
    return UI_HANDLED;
}

static int open_action(struct app *a, void *st, int act)
{
    struct open *s = st;

    if (act == ACT_SUBMIT)
        return open_submit(a, s);
    return purchase_action(a, &s->fm, F_PURCHASE, &s->last, act);
}

static int open_key(struct app *a, void *st, int type, wint_t ch)
{
    struct open *s = st;
    int r = form_key(a, &s->fm, type, ch);

    purchase_fields_sync(&s->f[F_PURCHASE]);
    meter_fields_sync(&s->f[F_METER]);
    return r;
}

const struct screen scr_open = {
    .title = N_("Open account and first purchase"),
    .actions = ACT_BIT(ACT_TOGGLE) | ACT_BIT(ACT_PRINT),
    .submit_label = N_("Open account"),
    .state_size = sizeof(struct open),
    .enter = open_enter,
    .draw = open_draw,
    .action = open_action,
    .key = open_key,
    .leave = open_leave,
};
