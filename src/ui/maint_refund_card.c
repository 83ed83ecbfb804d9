/* SPDX-License-Identifier: Apache-2.0 */
/* 制退电卡 (M14): read the customer's card and turn it into a refund card. */
#include <inttypes.h>
#include <stdio.h>

#include "kwhpos/plan.h"
#include "ui/parts.h"

struct refund_card {
    struct cust_ctx cc;
};

static void rc_draw(struct app *a, void *st)
{
    struct refund_card *s = st;
    int rows = cust_draw(a, &s->cc, UI_TOP);

    int y = UI_TOP + rows + 1;

    y += draw_wrap(stdscr, y, 2, COLS - 4,
                   _("Then the customer inserts the refund card in the meter, which moves its "
                     "remaining energy onto the card;"),
                   theme_attr(CLR_INFO), 2);
    draw_text(stdscr, y, 2, COLS - 4, _("bring it back and use Purchases > Read refund card."),
              theme_attr(CLR_INFO));
}

static int rc_action(struct app *a, void *st, int act)
{
    struct refund_card *s = st;
    struct kwh_plan *plan = NULL;
    struct kwh_receipt r;
    struct kwh_err e;
    char q[256];

    if (act == ACT_READ) {
        cust_read_card(a, &s->cc);
        return UI_HANDLED;
    }
    if (act != ACT_SUBMIT)
        return UI_IGNORED;
    if (!s->cc.have) {
        app_msg(a, CLR_ERROR, "%s", _("Read the customer's card first (F2)."));
        return UI_HANDLED;
    }
    kwh_err_clear(&e);
    if (plan_made(a, refund_card_plan(a->core, &a->s, &s->cc.view, &plan, &e), &e) < 0)
        return UI_HANDLED;
    snprintf(q, sizeof q, _("Turn the card of customer %" PRIu32 " %s into a refund card?"),
             plan_view(plan)->before.customer_no, plan_view(plan)->before.name);
    if (plan_confirm_commit(a, plan, _("Make refund card"), q, &r) <= 0)
        return UI_HANDLED;
    app_set_card(a, model_card_type_label(KWH_CARD_REFUND));
    cust_reload(a, &s->cc);
    s->cc.from_card = false;
    app_msg(a, CLR_OK, "%s",
            _("Refund card made. Insert it in the meter, then read it with Read refund card."));
    return UI_HANDLED;
}

const struct screen scr_refund_card = {
    .title = N_("Make refund card"),
    .actions = ACT_BIT(ACT_READ),
    .submit_label = N_("Make refund card"),
    .state_size = sizeof(struct refund_card),
    .draw = rc_draw,
    .action = rc_action,
};
