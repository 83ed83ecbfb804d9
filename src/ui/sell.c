/* SPDX-License-Identifier: Apache-2.0 */
/* 日常售电 (M11) and 重新售电 (M12): read the card, type the amount or kWh, confirm,
 * write; F7 prints. */
#include <stdio.h>
#include <string.h>

#include "kwhpos/model.h"
#include "kwhpos/plan.h"
#include "kwhpos/util.h"
#include "ui/parts.h"

struct sell {
    int mode; /* SELL_DAILY or SELL_RESALE */
    struct cust_ctx cc;
    struct field f[PF_COUNT];
    struct form fm;
    struct last_receipt last;
};

#define FORM_ROW (UI_TOP + 11)

static void sell_enter(struct app *a, void *st, int arg)
{
    struct sell *s = st;

    (void)a;
    s->mode = arg;
    purchase_fields_init(s->f, 0, 0, false);
    purchase_fields_sync(s->f);
    form_init(&s->fm, s->f, PF_COUNT, FORM_ROW);
    form_focus(&s->fm, PF_VALUE);
}

/* Empties the amount (or kWh) and sets the payment back to the first method (cash). */
static void clear_purchase(struct sell *s)
{
    ledit_set(&s->f[PF_VALUE].ed, "");
    s->f[PF_PAY].sel = 0;
    form_focus(&s->fm, PF_VALUE);
}

static void sell_draw(struct app *a, void *st)
{
    struct sell *s = st;

    cust_draw(a, &s->cc, UI_TOP);
    if (s->mode == SELL_RESALE && s->cc.from_card && s->cc.view.has_last_sale) {
        char b1[32], b2[32], line[200];
        snprintf(line, sizeof line, "%s: %s kWh, %s %s", _("Sale to cancel"),
                 fmt_energy(b1, sizeof b1, s->cc.view.last_sale.energy_ckwh),
                 fmt_money(b2, sizeof b2, s->cc.view.last_sale.amount_fen), _("yuan"));
        draw_text(stdscr, FORM_ROW - 1, 2, COLS - 4, line, theme_attr(CLR_WARN));
    }
    if (s->last.have) {
        char b1[32], b2[32], line[200];
        snprintf(line, sizeof line, "%s: %s kWh, %s %s (F7 %s)", _("Last receipt"),
                 fmt_energy(b1, sizeof b1, s->last.r.sale.energy_ckwh),
                 fmt_money(b2, sizeof b2, s->last.r.sale.amount_fen), _("yuan"), _("Print"));
        draw_text(stdscr, FORM_ROW + 4, 2, COLS - 4, line, theme_attr(CLR_OK));
    }
    form_draw(&s->fm, s->cc.have);
}

static int sell_submit(struct app *a, struct sell *s)
{
    struct kwh_purchase_req p;
    struct kwh_plan *plan = NULL;
    struct kwh_receipt r;
    struct kwh_err e;
    bool resale = s->mode == SELL_RESALE;
    int rc;

    if (!s->cc.from_card) {
        app_msg(a, CLR_ERROR, "%s", _("Read the customer's card first (F2)."));
        return UI_HANDLED;
    }
    if (!cust_form_ready(a, &s->cc, &s->fm, _("Read the customer's card first (F2).")))
        return UI_HANDLED;
    purchase_fields_get(&s->fm, 0, &p);
    if (p.mode == KWH_BY_NONE) {
        form_focus(&s->fm, PF_VALUE);
        app_msg(a, CLR_ERROR, "%s", _("Enter the amount or the kWh to sell."));
        return UI_HANDLED;
    }
    /* the plan is what the dialog shows and what is written: nothing is computed again */
    kwh_err_clear(&e);
    rc = resale ? resale_plan(a->core, &a->s, &s->cc.view, &p, &plan, &e)
                : sale_plan(a->core, &a->s, &s->cc.view, &p, &plan, &e);
    if (plan_made(a, rc, &e) < 0)
        return UI_HANDLED;
    rc = plan_confirm_commit(a, plan, resale ? _("Confirm the re-sale") : _("Confirm the sale"),
                             _("Take the money and write the card?"), &r);
    if (rc == KWH_EPENDING)
        s->cc.have = false;
    if (rc <= 0)
        return UI_HANDLED;
    /* the next sale starts from the card again: what it holds has just changed */
    clear_purchase(s);
    cust_reload(a, &s->cc);
    s->cc.from_card = false;
    {
        char b1[32], b2[32];
        app_msg(a, CLR_OK, _("Sold %s kWh for %s yuan. Give the card back for the meter."),
                fmt_energy(b1, sizeof b1, model_sale_card_ckwh(&r.sale)),
                fmt_money(b2, sizeof b2, r.sale.amount_fen));
    }
    receipt_keep(a, &s->last, &r, NULL);
    return UI_HANDLED;
}

static int sell_action(struct app *a, void *st, int act)
{
    struct sell *s = st;

    switch (act) {
    case ACT_READ:
        cust_read_card(a, &s->cc);
        clear_purchase(s);
        return UI_HANDLED;
    case ACT_SUBMIT: return sell_submit(a, s);
    default: return purchase_action(a, &s->fm, 0, &s->last, act);
    }
}

static int sell_key(struct app *a, void *st, int type, wint_t ch)
{
    struct sell *s = st;
    int r;

    if (!s->cc.from_card) {
        app_msg(a, CLR_WARN, "%s", _("Read the customer's card first (F2)."));
        return UI_HANDLED;
    }
    r = cust_form_key(a, &s->cc, &s->fm, type, ch, _("Read the customer's card first (F2)."));

    purchase_fields_sync(s->f);
    return r;
}

const struct screen scr_sell = {
    .title = N_("Daily sale"),
    .actions = ACT_BIT(ACT_READ) | ACT_BIT(ACT_TOGGLE) | ACT_BIT(ACT_PRINT),
    .submit_label = N_("Sell"),
    .state_size = sizeof(struct sell),
    .enter = sell_enter,
    .draw = sell_draw,
    .action = sell_action,
    .key = sell_key,
};
