/* SPDX-License-Identifier: Apache-2.0 */
/* 导入用户发卡: the first card of an account imported without one (kwhpos import
 * customers): find the account, put a blank card in the reader, optionally sell a first
 * purchase, and write the card; it opens the meter as an opening card does. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "kwhpos/plan.h"
#include "kwhpos/query.h"
#include "kwhpos/util.h"
#include "ui/parts.h"

#define FORM_ROW (UI_TOP + 7)

struct issue {
    struct cust_ctx cc;
    struct field f[PF_COUNT];
    struct form fm;
    struct last_receipt last;
};

static void issue_enter(struct app *a, void *st, int arg)
{
    struct issue *s = st;

    (void)a;
    (void)arg;
    purchase_fields_init(s->f, 0, 0, true);
    purchase_fields_sync(s->f);
    form_init(&s->fm, s->f, PF_COUNT, FORM_ROW);
}

static void issue_draw(struct app *a, void *st)
{
    struct issue *s = st;

    cust_draw(a, &s->cc, UI_TOP);
    if (s->cc.have && query_customer_has_card(&s->cc.c))
        draw_text(stdscr, FORM_ROW - 1, 2, COLS - 4,
                  _("This account has a card already: for a lost one use Card reissue."),
                  theme_attr(CLR_WARN));
    else
        draw_text(stdscr, FORM_ROW - 1, 2, COLS - 4, _("First purchase (optional):"),
                  theme_attr(CLR_INFO));
    draw_text(stdscr, FORM_ROW + 5, 2, COLS - 4,
              _("Put a blank card in the reader. Enter writes the account's first card."),
              theme_attr(CLR_INFO));
    form_draw(&s->fm, s->cc.have);
}

static int issue_submit(struct app *a, struct issue *s)
{
    struct kwh_purchase_req p;
    struct kwh_card_view blank;
    struct kwh_plan *plan = NULL;
    struct kwh_receipt r;
    struct kwh_err e;
    char q[512], b[64];

    if (!cust_form_ready(a, &s->cc, &s->fm, _("Find the customer first (F3).")))
        return UI_HANDLED;
    purchase_fields_get(&s->fm, 0, &p);
    kwh_err_clear(&e);
    app_msg(a, CLR_INFO, "%s", _("Reading the card..."));
    app_draw(a);
    if (plan_made(a, cardview_read(a->core, &a->s, &blank, &e), &e) < 0 ||
        plan_made(a, first_card_plan(a->core, &a->s, s->cc.c.customer_no, &blank, &p, &plan, &e),
                  &e) < 0)
        return UI_HANDLED;
    snprintf(q, sizeof q,
             _("Write the first card of customer %" PRIu32 " %s, meter %08" PRIu32
               ", on the blank card in the reader?\nFirst purchase: %s"),
             s->cc.c.customer_no, s->cc.c.name, s->cc.c.meter.meter_no,
             purchase_desc(&p, b, sizeof b));
    if (plan_confirm_commit(a, plan, _("Issue the first card"), q, &r) <= 0)
        return UI_HANDLED;
    cust_reload(a, &s->cc);
    app_msg(a, CLR_OK, "%s", _("The card is written: the customer inserts it in the meter."));
    receipt_keep(a, &s->last, &r, _("First card issued"));
    return UI_HANDLED;
}

static int issue_action(struct app *a, void *st, int act)
{
    struct issue *s = st;

    switch (act) {
    case ACT_FIND: cust_find(a, &s->cc); return UI_HANDLED;
    case ACT_SUBMIT: return issue_submit(a, s);
    default: return purchase_action(a, &s->fm, 0, &s->last, act);
    }
}

static int issue_key(struct app *a, void *st, int type, wint_t ch)
{
    struct issue *s = st;
    int r = cust_form_key(a, &s->cc, &s->fm, type, ch, _("Find the customer first (F3)."));

    purchase_fields_sync(s->f);
    return r;
}

const struct screen scr_issue_card = {
    .title = N_("First card of an imported account"),
    .actions = ACT_BIT(ACT_FIND) | ACT_BIT(ACT_TOGGLE) | ACT_BIT(ACT_PRINT),
    .submit_label = N_("Write card"),
    .state_size = sizeof(struct issue),
    .enter = issue_enter,
    .draw = issue_draw,
    .action = issue_action,
    .key = issue_key,
};
