/* SPDX-License-Identifier: Apache-2.0 */
/* 日常售电 (M11) and 重新售电 (M12): read the card, type the amount or kWh, confirm,
 * write; F7 prints. */
#include <stdio.h>
#include <string.h>

#include "kwhpos/core.h"
#include "kwhpos/model.h"
#include "kwhpos/plan.h"
#include "kwhpos/util.h"
#include "ui/parts.h"

struct sell {
    int mode; /* SELL_DAILY or SELL_RESALE */
    struct cust_ctx cc;
    bool has_room; /* the card as read can take a purchase: room says how much */
    struct kwh_sale_room room;
    struct kwh_err refused; /* else why not, said right after the read (code 0: not) */
    struct field f[PF_COUNT];
    struct form fm;
    struct last_receipt last;
};

#define FORM_ROW (UI_TOP + 11)

static void clear_purchase(struct app *a, struct sell *s);

static void sell_enter(struct app *a, void *st, int arg)
{
    struct sell *s = st;

    s->mode = arg;
    purchase_fields_init(s->f, 0, 0, false);
    form_init(&s->fm, s->f, PF_COUNT, FORM_ROW);
    clear_purchase(a, s);
}

/* Empties the amount (or kWh), sets the payment back to the first method (cash) and
 * the settlement back to the site's default: what the last customer chose never
 * carries over to the next card. */
static void clear_purchase(struct app *a, struct sell *s)
{
    struct kwh_site site;
    struct kwh_err e;

    kwh_err_clear(&e);
    ledit_set(&s->f[PF_VALUE].ed, "");
    s->f[PF_PAY].sel = 0;
    s->f[PF_MODE].sel = settings_get(a->core, &site, &e) == 0 && site.sale_mode == KWH_BY_KWH;
    purchase_fields_sync(s->f);
    form_focus(&s->fm, PF_VALUE);
}

/* F2 (or a card put in): the card read, the purchase fields as for a new customer, and at
 * once whether this card can take a purchase at all (sale_room) and how much. */
static void sell_read(struct app *a, struct sell *s)
{
    s->has_room = false;
    kwh_err_clear(&s->refused);
    clear_purchase(a, s);
    if (!cust_read_card(a, &s->cc))
        return;
    if (sale_room(a->core, &a->s, &s->cc.view, s->mode == SELL_RESALE ? KWH_OP_RESALE : KWH_OP_SALE,
                  &s->room, &s->refused) < 0) {
        /* before any money is taken: the way out is in the message */
        app_error(a, &s->refused);
        return;
    }
    s->has_room = true;
}

/* What the yuan of the room hold besides energy, as the confirmation will show it: the
 * fees due and the arrears recovered (money, "" when none), and the tier the purchase
 * starts in (tier, "" for a flat tariff). */
static void room_detail(const struct sell *s, char *money, char *tier, size_t n)
{
    const struct kwh_sale_room *r = &s->room;
    char b1[32], b2[32], b3[32];

    money[0] = tier[0] = '\0';
    if (r->max_fen > 0 && (r->fee_fen > 0 || r->arrears_fen > 0))
        snprintf(money, n, _("Of it: fees %s, arrears %s (owed %s)"),
                 fmt_money(b1, sizeof b1, r->fee_fen), fmt_money(b2, sizeof b2, r->arrears_fen),
                 fmt_money(b3, sizeof b3, r->owed_fen));
    if (r->tier > 0)
        snprintf(tier, n, _("Tier %d of %d at %s yuan/kWh"), r->tier, r->tiers,
                 fmt_price(b1, sizeof b1, r->price));
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
    if (s->cc.from_card && s->has_room) {
        char b1[32], b2[32], b3[32], line[240];
        snprintf(line, sizeof line, _("Can still sell: %s kWh (%s yuan); hoard limit %s kWh"),
                 fmt_energy(b1, sizeof b1, s->room.max_ckwh),
                 fmt_money(b2, sizeof b2, s->room.max_fen),
                 fmt_energy(b3, sizeof b3, s->room.hoard_ckwh));
        draw_text(stdscr, FORM_ROW + 3, 2, COLS - 4, line, theme_attr(CLR_INFO));
        char tier[240];
        room_detail(s, line, tier, sizeof line);
        draw_text(stdscr, FORM_ROW + 5, 2, COLS - 4, line, theme_attr(CLR_INFO));
        draw_text(stdscr, FORM_ROW + 6, 2, COLS - 4, tier, theme_attr(CLR_INFO));
    } else if (s->cc.from_card && s->refused.code != 0) {
        draw_text(stdscr, FORM_ROW + 3, 2, COLS - 4,
                  _("No purchase on this card now: see the message."), theme_attr(CLR_WARN));
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
    int64_t difference;
    int rc;

    if (!s->cc.from_card) {
        app_msg(a, CLR_ERROR, "%s", _("Read the customer's card first (F2)."));
        return UI_HANDLED;
    }
    if (s->refused.code != 0) {
        app_error(a, &s->refused);
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
    difference = plan_view(plan)->has_replaced ? plan_view(plan)->difference_fen : 0;
    rc = plan_confirm_commit(a, plan, resale ? _("Confirm the re-sale") : _("Confirm the sale"),
                             !resale          ? _("Take the money and write the card?")
                             : difference < 0 ? _("Give the difference back and write the card?")
                             : difference > 0 ? _("Take the difference and write the card?")
                                              : _("Write the card?"),
                             &r);
    if (rc == KWH_EPENDING)
        s->cc.have = false;
    if (rc <= 0)
        return UI_HANDLED;
    /* the next sale starts from the card again: what it holds has just changed */
    clear_purchase(a, s);
    cust_reload(a, &s->cc);
    s->cc.from_card = false;
    s->has_room = false;
    {
        char b1[32], b2[32], b3[32];
        fmt_energy(b1, sizeof b1, model_sale_card_ckwh(&r.sale));
        fmt_money(b2, sizeof b2, r.sale.amount_fen + r.sale.fee_fen + r.sale.arrears_fen);
        if (resale && difference < 0)
            app_msg(a, CLR_WARN,
                    _("Sold %s kWh for %s yuan. Give back %s yuan, and the card for the meter."),
                    b1, b2, fmt_money(b3, sizeof b3, -difference));
        else if (resale && difference > 0)
            app_msg(a, CLR_WARN,
                    _("Sold %s kWh for %s yuan. Take %s yuan more; the card goes to the meter."),
                    b1, b2, fmt_money(b3, sizeof b3, difference));
        else
            app_msg(a, CLR_OK, _("Sold %s kWh for %s yuan. Give the card back for the meter."), b1,
                    b2);
    }
    receipt_keep(a, &s->last, &r, NULL);
    return UI_HANDLED;
}

static int sell_action(struct app *a, void *st, int act)
{
    struct sell *s = st;

    switch (act) {
    case ACT_READ: sell_read(a, s); return UI_HANDLED;
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
