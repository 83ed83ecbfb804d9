/* SPDX-License-Identifier: Apache-2.0 */
/* 统计用户累计余额 (M26): the total balance over all open accounts. */
#include <inttypes.h>
#include <stdio.h>

#include "kwhpos/util.h"
#include "ui/widgets.h"
#include "kwhpos/core.h"

struct balance {
    bool have;
    struct kwh_balance b;
    int64_t at;
};

static void load(struct app *a, struct balance *s)
{
    struct kwh_err e;

    kwh_err_clear(&e);
    s->have = report_balance(a->core, &a->s, &s->b, &e) == 0;
    s->at = core_now(a->core);
    if (!s->have)
        app_error(a, &e);
}

static void balance_enter(struct app *a, void *st, int arg)
{
    (void)arg;
    load(a, st);
}

static void balance_draw(struct app *a, void *st)
{
    static const char *const labels[] = {
        N_("Open accounts"),
        N_("Total balance (kWh)"),
        N_("Total balance (yuan)"),
        N_("As of"),
    };
    struct balance *s = st;
    int lw = draw_max_width(labels, KWH_ARRAY_LEN(labels)), y = UI_TOP + 1;
    int v = theme_attr(CLR_READONLY);
    char b[64];

    (void)a;
    if (!s->have)
        return;
    snprintf(b, sizeof b, "%" PRId64, s->b.accounts);
    draw_pair(stdscr, y++, 2, lw, COLS - 4, _(labels[0]), b, v);
    draw_pair(stdscr, y++, 2, lw, COLS - 4, _(labels[1]),
              fmt_energy(b, sizeof b, s->b.balance_ckwh), v);
    draw_pair(stdscr, y++, 2, lw, COLS - 4, _(labels[2]), fmt_money(b, sizeof b, s->b.balance_fen),
              v);
    draw_pair(stdscr, y++, 2, lw, COLS - 4, _(labels[3]), fmt_time(b, sizeof b, s->at), v);
    y++;
    draw_text(stdscr, y, 2, COLS - 4,
              _("Energy bought and not yet used, valued at each tariff's current price."),
              theme_attr(CLR_INFO));
}

static int balance_action(struct app *a, void *st, int act)
{
    if (act != ACT_SUBMIT)
        return UI_IGNORED;
    load(a, st);
    app_msg(a, CLR_OK, "%s", _("Updated."));
    return UI_HANDLED;
}

const struct screen scr_balance = {
    .title = N_("Total customer balance"),
    .submit_label = N_("Refresh"),
    .state_size = sizeof(struct balance),
    .enter = balance_enter,
    .draw = balance_draw,
    .action = balance_action,
};
