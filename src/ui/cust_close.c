/* SPDX-License-Identifier: Apache-2.0 */
/* 用户销户 (M18): close an account found by card or by number; its history stays. */
#include <inttypes.h>
#include <stdio.h>

#include "kwhpos/plan.h"
#include "ui/parts.h"

struct close_st {
    struct cust_ctx cc;
};

static void close_draw(struct app *a, void *st)
{
    struct close_st *s = st;
    int rows = cust_draw(a, &s->cc, UI_TOP);

    draw_text(stdscr, UI_TOP + rows + 1, 2, COLS - 4,
              _("Usually the energy is refunded first (Purchases > Make refund card)."),
              theme_attr(CLR_INFO));
}

/* Plans the closing, forced when asked; shows the plan and commits it. */
static int close_now(struct app *a, struct close_st *s, bool force)
{
    struct kwh_plan *plan = NULL;
    struct kwh_receipt r;
    struct kwh_err e;
    char q[512];
    int rc;

    kwh_err_clear(&e);
    rc = close_plan(a->core, &a->s, s->cc.c.customer_no, force, &plan, &e);
    if (rc == KWH_ECONFLICT && !force && app_is_admin(a)) {
        char text[KWH_ERR_MSG + 128];
        snprintf(text, sizeof text, "%s\n\n%s", e.msg,
                 _("Close it all the same? The energy left is lost to the customer."));
        if (!dialog_confirm(a, _("Close account"), text))
            return 0;
        return close_now(a, s, true);
    }
    if (plan_made(a, rc, &e) < 0)
        return rc;
    snprintf(q, sizeof q, _("Close the account of customer %" PRIu32 " %s?"), s->cc.c.customer_no,
             s->cc.c.name);
    return plan_confirm_commit(a, plan, _("Close account"), q, &r);
}

static int close_action(struct app *a, void *st, int act)
{
    struct close_st *s = st;

    switch (act) {
    case ACT_READ: cust_read_card(a, &s->cc); return UI_HANDLED;
    case ACT_FIND: cust_find(a, &s->cc); return UI_HANDLED;
    case ACT_SUBMIT:
        if (!s->cc.have) {
            app_msg(a, CLR_ERROR, "%s", _("Read the card (F2) or find the customer (F3) first."));
            return UI_HANDLED;
        }
        if (close_now(a, s, false) <= 0)
            return UI_HANDLED;
        cust_reload(a, &s->cc);
        app_msg(a, CLR_OK, _("The account of customer %" PRIu32 " is closed."),
                s->cc.c.customer_no);
        return UI_HANDLED;
    default: return UI_IGNORED;
    }
}

const struct screen scr_close = {
    .title = N_("Close account"),
    .actions = ACT_BIT(ACT_READ) | ACT_BIT(ACT_FIND),
    .submit_label = N_("Close account"),
    .state_size = sizeof(struct close_st),
    .draw = close_draw,
    .action = close_action,
};
