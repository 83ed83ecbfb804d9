/* SPDX-License-Identifier: Apache-2.0 */
/* 补卡售电 (M13): find the account by number, choose whether the last purchase reached
 * the meter, take the fee and an optional purchase, write the blank card in the reader.
 * The old card stops working. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "kwhpos/units.h"
#include "kwhpos/util.h"
#include "ui/parts.h"

enum { F_CONSUMED, F_FEE, F_PURCHASE, F_N = F_PURCHASE + PF_COUNT };

#define FORM_ROW (UI_TOP + 7)

struct reissue {
    struct cust_ctx cc;
    struct field f[F_N];
    struct form fm;
    struct last_receipt last;
};

static void reissue_enter(struct app *a, void *st, int arg)
{
    struct reissue *s = st;
    struct kwh_site site;
    struct kwh_err e;

    (void)arg;
    s->f[F_CONSUMED] = (struct field){.label = N_("Consumption state"),
                                      .kind = FK_CHOICE,
                                      .row = 0,
                                      .items = label_consumed_items,
                                      .nitems = 2,
                                      .width = 18};
    s->f[F_FEE] = (struct field){.label = N_("Reissue fee (yuan)"),
                                 .kind = FK_MONEY,
                                 .row = 1,
                                 .optional_zero = true,
                                 .imax = UNITS_MAX_FEN,
                                 .width = 14};
    purchase_fields_init(&s->f[F_PURCHASE], 2, 0, false);
    purchase_fields_sync(&s->f[F_PURCHASE]);
    form_init(&s->fm, s->f, F_N, FORM_ROW);
    kwh_err_clear(&e);
    if (settings_get(a->core, &site, &e) == 0)
        form_set_value(&s->fm, F_FEE, site.reissue_fee_fen);
}

static void reissue_draw(struct app *a, void *st)
{
    struct reissue *s = st;

    cust_draw(a, &s->cc, UI_TOP);
    {
        int y = FORM_ROW + 6;

        y +=
            draw_wrap(stdscr, y, 2, COLS - 4,
                      _("Consumed: the last purchase is in the meter. Only then can a new purchase "
                        "go on the card."),
                      theme_attr(CLR_INFO), 2);
        draw_text(stdscr, y, 2, COLS - 4,
                  _("Put a blank card in the reader; the customer's old card stops working."),
                  theme_attr(CLR_INFO));
    }
    form_draw(&s->fm, s->cc.have);
}

static int reissue_submit(struct app *a, struct reissue *s)
{
    struct kwh_purchase_req p;
    struct kwh_receipt r;
    struct kwh_err e;
    bool consumed = s->f[F_CONSUMED].sel == 0;
    char text[512], b1[32], b2[32];

    if (!cust_form_ready(a, &s->cc, &s->fm, _("Find the customer first (F3).")))
        return UI_HANDLED;
    purchase_fields_get(&s->fm, F_PURCHASE, &p);
    snprintf(text, sizeof text,
             _("Customer %" PRIu32 " %s, meter %08" PRIu32 "\n%s; fee %s yuan; purchase %s\n\n"
               "Write a new card on the blank card in the reader?"),
             s->cc.c.customer_no, s->cc.c.name, s->cc.c.meter.meter_no,
             _(label_consumed_items[consumed ? 0 : 1]),
             fmt_money(b1, sizeof b1, form_value(&s->fm, F_FEE)), purchase_desc(&p, b2, sizeof b2));
    if (!dialog_confirm(a, _("Confirm the reissue"), text))
        return UI_HANDLED;
    kwh_err_clear(&e);
    memset(&r, 0, sizeof r);
    if (vend_reissue(a->core, &a->s, s->cc.c.customer_no, consumed, form_value(&s->fm, F_FEE),
                     p.mode == KWH_BY_NONE ? NULL : &p, &r, &e) < 0) {
        app_error(a, &e);
        return UI_HANDLED;
    }
    cust_reload(a, &s->cc);
    app_msg(a, CLR_OK, "%s", _("The new card is written; the old card no longer works."));
    receipt_keep(a, &s->last, &r, _("Card reissued"));
    return UI_HANDLED;
}

static int reissue_action(struct app *a, void *st, int act)
{
    struct reissue *s = st;

    switch (act) {
    case ACT_FIND: cust_find(a, &s->cc); return UI_HANDLED;
    case ACT_SUBMIT: return reissue_submit(a, s);
    default: return purchase_action(a, &s->fm, F_PURCHASE, &s->last, act);
    }
}

static int reissue_key(struct app *a, void *st, int type, wint_t ch)
{
    struct reissue *s = st;
    int r = cust_form_key(a, &s->cc, &s->fm, type, ch, _("Find the customer first (F3)."));

    purchase_fields_sync(&s->f[F_PURCHASE]);
    return r;
}

const struct screen scr_reissue = {
    .title = N_("Card reissue"),
    .actions = ACT_BIT(ACT_FIND) | ACT_BIT(ACT_TOGGLE) | ACT_BIT(ACT_PRINT),
    .submit_label = N_("Reissue"),
    .state_size = sizeof(struct reissue),
    .enter = reissue_enter,
    .draw = reissue_draw,
    .action = reissue_action,
    .key = reissue_key,
};
