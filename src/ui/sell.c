/* SPDX-License-Identifier: Apache-2.0 */
/* 日常售电 (M11) and 重新售电 (M12): read the card, type the amount or kWh, confirm,
 * write; F7 prints. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

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

static bool confirm(struct app *a, struct sell *s, const struct kwh_quote *q)
{
    const struct kwh_customer *c = &s->cc.c;
    struct pairs p = {0};
    char b1[32], t[32];

    pairs_add(&p, _("Customer"), "%" PRIu32 " %s", c->customer_no, c->name);
    pairs_add(&p, _("Meter number"), "%08" PRIu32 " %s", c->meter.meter_no,
              label_meter_type(c->meter.meter_type));
    pairs_add(&p, _("Tariff"), "%s %s %s", c->tariff_name, fmt_price(b1, sizeof b1, q->price),
              _("yuan/kWh"));
    if (s->cc.from_card && s->cc.view.has_last_sale)
        pairs_add(&p, _("Last purchase"), "%s %s kWh, %s",
                  fmt_time(t, sizeof t, s->cc.view.last_sale.created),
                  fmt_energy(b1, sizeof b1, s->cc.view.last_sale.energy_ckwh),
                  s->cc.view.purchase_loaded ? _("in the meter") : _("NOT in the meter yet"));
    else
        pairs_add(&p, _("Last purchase"), "%s", _("none"));
    pairs_add(&p, _("Energy (kWh)"), "%s", fmt_energy(b1, sizeof b1, q->energy_ckwh));
    if (q->free_ckwh != 0)
        pairs_add(&p, _("Free allowance kWh"), "%s", fmt_energy(b1, sizeof b1, q->free_ckwh));
    pairs_add(&p, _("Card loads (kWh)"), "%s", fmt_energy(b1, sizeof b1, q->card_ckwh));
    pairs_add(&p, _("Amount (yuan)"), "%s", fmt_money(b1, sizeof b1, q->amount_fen));
    pairs_add(&p, _("Payment"), "%s", label_pay(s->f[PF_PAY].sel));
    return dialog_confirm_pairs(
        a, s->mode == SELL_RESALE ? _("Confirm the re-sale") : _("Confirm the sale"), &p,
        _("Take the money and write the card?"));
}

static int sell_submit(struct app *a, struct sell *s)
{
    struct kwh_purchase_req p;
    struct kwh_quote q;
    struct kwh_receipt r;
    struct kwh_err e;
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
    kwh_err_clear(&e);
    if (vend_quote(a->core, &a->s, s->cc.c.customer_no, &p, &q, &e) < 0) {
        app_error(a, &e);
        return UI_HANDLED;
    }
    if (!confirm(a, s, &q)) {
        app_msg(a, CLR_INFO, "%s", _("Cancelled; nothing was written."));
        return UI_HANDLED;
    }
    kwh_err_clear(&e);
    memset(&r, 0, sizeof r);
    rc = s->mode == SELL_RESALE ? vend_resell(a->core, &a->s, s->cc.c.customer_no, &p, &r, &e)
                                : vend_sell(a->core, &a->s, s->cc.c.customer_no, &p, &r, &e);
    if (rc < 0) {
        if (rc == KWH_EPENDING)
            s->cc.have = false;
        app_error(a, &e);
        return UI_HANDLED;
    }
    /* the next sale starts from the card again: what it holds has just changed */
    clear_purchase(s);
    cust_reload(a, &s->cc);
    s->cc.from_card = false;
    {
        char b1[32], b2[32];
        app_msg(a, CLR_OK, _("Sold %s kWh for %s yuan. Give the card back for the meter."),
                fmt_energy(b1, sizeof b1, r.sale.energy_ckwh + r.sale.free_ckwh),
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
