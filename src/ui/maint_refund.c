/* SPDX-License-Identifier: Apache-2.0 */
/* 读卡退电 (M15): read the refund card after the meter wrote its remaining energy,
 * show the refund (negative: the customer owes the overdraft), pay out, and offer to
 * close the account. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "kwhpos/plan.h"
#include "kwhpos/util.h"
#include "ui/parts.h"

struct refund {
    bool have;
    struct kwh_card_view card; /* the refund card as read */
    struct kwh_plan_view q;    /* its refund, as planned when read */
    struct field f[2];         /* how it is paid; an overdraft left unpaid */
    struct form fm;
    struct last_receipt last;
};

static void refund_enter(struct app *a, void *st, int arg)
{
    struct refund *s = st;

    (void)a;
    (void)arg;
    s->f[0] = (struct field){.label = N_("Payment"),
                             .kind = FK_CHOICE,
                             .row = 0,
                             .items = label_pay_items(),
                             .nitems = KWH_PAY_COUNT,
                             .width = 14};
    s->f[1] = (struct field){.label = N_("Not paid now: owed as the account's arrears"),
                             .kind = FK_CHECK,
                             .row = 1,
                             .hidden = true};
    form_init(&s->fm, s->f, 2, UI_TOP + 10);
}

static void refund_draw(struct app *a, void *st)
{
    static const char *const labels[] = {
        N_("Customer"),
        N_("Meter number"),
        N_("Remaining in the meter (kWh)"),
        N_("Never loaded (kWh)"),
        N_("Refund energy (kWh)"),
        N_("Price (yuan/kWh)"),
        N_("Refund amount (yuan)"),
    };
    struct refund *s = st;
    int lw = draw_max_width(labels, KWH_ARRAY_LEN(labels)), y = UI_TOP + 1;
    int v = theme_attr(CLR_READONLY);
    char b[KWH_TEXT_MAX + 32];

    (void)a;
    if (!s->have) {
        draw_text(stdscr, y, 2, COLS - 4,
                  _("Put the refund card that was in the meter into the reader and press F2."),
                  theme_attr(CLR_INFO));
        return;
    }
    snprintf(b, sizeof b, "%" PRIu32 " %s", s->q.before.customer_no, s->q.before.name);
    draw_pair(stdscr, y++, 2, lw, COLS - 4, _(labels[0]), b, v);
    snprintf(b, sizeof b, "%08" PRIu32, s->q.before.meter.meter_no);
    draw_pair(stdscr, y++, 2, lw, COLS - 4, _(labels[1]), b, v);
    draw_pair(stdscr, y++, 2, lw, COLS - 4, _(labels[2]),
              fmt_energy(b, sizeof b, s->q.remaining_ckwh), v);
    draw_pair(stdscr, y++, 2, lw, COLS - 4, _(labels[3]),
              fmt_energy(b, sizeof b, s->q.unloaded_ckwh), v);
    draw_pair(stdscr, y++, 2, lw, COLS - 4, _(labels[4]), fmt_energy(b, sizeof b, s->q.refund_ckwh),
              v);
    draw_pair(stdscr, y++, 2, lw, COLS - 4, _(labels[5]), fmt_price(b, sizeof b, s->q.sale.price),
              v);
    draw_pair(stdscr, y++, 2, lw, COLS - 4, _(labels[6]), fmt_money(b, sizeof b, s->q.refund_fen),
              theme_attr(s->q.refund_fen < 0 ? CLR_WARN : CLR_OK));
    if (s->q.refund_fen < 0)
        draw_text(stdscr, y, 2, COLS - 4,
                  _("Negative: the meter used overdraft; the customer pays this amount."),
                  theme_attr(CLR_WARN));
    form_draw(&s->fm, true);
}

static void offer_close(struct app *a, uint32_t customer_no)
{
    struct kwh_plan *plan = NULL;
    struct kwh_receipt r;
    struct kwh_err e;

    kwh_err_clear(&e);
    if (plan_made(a, close_plan(a->core, &a->s, customer_no, false, &plan, &e), &e) < 0)
        return;
    if (plan_confirm_commit(a, plan, _("Close the account"),
                            _("The refund is recorded. Close the account now as well?"), &r) > 0)
        app_msg(a, CLR_OK, "%s", _("Refund recorded and account closed."));
}

/* The refund of the card read, paid out by the chosen method. */
static int refund_plan_now(struct app *a, struct refund *s, struct kwh_plan **plan)
{
    struct kwh_err e;

    kwh_err_clear(&e);
    if (!s->f[1].hidden && s->f[1].on)
        return plan_made(a, refund_plan_unpaid(a->core, &a->s, &s->card, plan, &e), &e);
    return plan_made(a, refund_plan(a->core, &a->s, &s->card, s->f[0].sel, plan, &e), &e);
}

static int refund_action(struct app *a, void *st, int act)
{
    struct refund *s = st;
    struct kwh_plan *plan = NULL;
    struct kwh_receipt r;
    struct kwh_err e;
    char q[256], b[32];

    switch (act) {
    case ACT_READ:
        kwh_err_clear(&e);
        s->have = false;
        s->f[1].on = false;
        if (plan_made(a, cardview_read(a->core, &a->s, &s->card, &e), &e) < 0 ||
            refund_plan_now(a, s, &plan) < 0)
            return UI_HANDLED;
        s->q = *plan_view(plan);
        plan_free(plan);
        s->have = true;
        s->f[1].hidden = s->q.refund_fen >= 0; /* only an overdraft can be left unpaid */
        app_set_card(a, model_card_type_label(KWH_CARD_REFUND));
        app_msg(a, CLR_OK, "%s", _("Refund card read."));
        return UI_HANDLED;
    case ACT_PRINT: receipt_print_last(a, &s->last); return UI_HANDLED;
    case ACT_SUBMIT:
        if (!s->have) {
            app_msg(a, CLR_ERROR, "%s", _("Read the refund card first (F2)."));
            return UI_HANDLED;
        }
        /* planned again with the payment chosen: the dialog shows what is recorded */
        if (refund_plan_now(a, s, &plan) < 0)
            return UI_HANDLED;
        s->q = *plan_view(plan);
        if (!s->f[1].hidden && s->f[1].on)
            snprintf(q, sizeof q, _("Record the refund and %s yuan owed as the account's arrears?"),
                     fmt_money(b, sizeof b, s->q.after.arrears_fen - s->q.before.arrears_fen));
        else
            snprintf(
                q, sizeof q,
                s->q.refund_fen < 0 ? _("Take %s yuan from the customer and record the refund?")
                                    : _("Pay %s yuan to the customer and record the refund?"),
                fmt_money(b, sizeof b, s->q.refund_fen < 0 ? -s->q.refund_fen : s->q.refund_fen));
        if (plan_confirm_commit(a, plan, _("Refund"), q, &r) <= 0)
            return UI_HANDLED;
        s->have = false;
        app_msg(a, CLR_OK, "%s", _("Refund recorded."));
        receipt_keep(a, &s->last, &r, NULL);
        offer_close(a, r.customer.customer_no);
        return UI_HANDLED;
    default: return UI_IGNORED;
    }
}

static int refund_key(struct app *a, void *st, int type, wint_t ch)
{
    return form_key(a, &((struct refund *)st)->fm, type, ch);
}

const struct screen scr_refund = {
    .title = N_("Read refund card"),
    .actions = ACT_BIT(ACT_READ) | ACT_BIT(ACT_PRINT),
    .submit_label = N_("Refund"),
    .state_size = sizeof(struct refund),
    .enter = refund_enter,
    .draw = refund_draw,
    .action = refund_action,
    .key = refund_key,
};
