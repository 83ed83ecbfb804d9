/* SPDX-License-Identifier: Apache-2.0 */
/* 统计用户累计余额 (M26): the total balance over all open accounts, or over those of
 * one area and everything below it. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kwhpos/oversight.h"
#include "kwhpos/util.h"
#include "ui/area_pick.h"
#include "ui/widgets.h"
#include "kwhpos/core.h"

struct balance {
    bool have;
    struct kwh_balance b;
    int64_t at;
    struct field f[1]; /* the area */
    struct form fm;
    struct area_pick ap;
};

/* One area's balance: its row of the per-area breakdown (its whole subtree). */
static int area_balance(struct app *a, int64_t area, struct kwh_balance *out, struct kwh_err *e)
{
    struct kwh_period none = {0, 0};
    struct kwh_area_row *rows;
    size_t n;
    int rc = kwh_err_set(e, KWH_ENOTFOUND, "%s", _("That area is not among yours."));

    if (report_areas(a->core, &a->s, &none, &rows, &n, e) < 0)
        return e->code;
    for (size_t i = 0; i < n; i++)
        if (rows[i].area.id == area) {
            out->accounts = rows[i].accounts;
            out->balance_ckwh = rows[i].balance_ckwh;
            out->balance_fen = rows[i].balance_fen;
            kwh_err_clear(e);
            rc = 0;
        }
    free(rows);
    return rc;
}

static void load(struct app *a, struct balance *s)
{
    struct kwh_err e;
    int64_t area = area_pick_id(&s->ap, &s->f[0]);

    kwh_err_clear(&e);
    s->have = (area != 0 ? area_balance(a, area, &s->b, &e)
                         : report_balance(a->core, &a->s, &s->b, &e)) == 0;
    s->at = core_now(a->core);
    if (!s->have)
        app_error(a, &e);
}

static void balance_enter(struct app *a, void *st, int arg)
{
    struct balance *s = st;

    (void)arg;
    s->f[0] = (struct field){.label = N_("Area"), .row = 0};
    s->ap.all = true;
    area_pick_load(a, &s->ap, &s->f[0], 0);
    form_init(&s->fm, s->f, 1, UI_TOP);
    load(a, st);
}

static void balance_leave(struct app *a, void *st)
{
    (void)a;
    area_pick_fini(&((struct balance *)st)->ap);
}

static int balance_key(struct app *a, void *st, int type, wint_t ch)
{
    struct balance *s = st;
    int sel = s->f[0].sel, r = form_key(a, &s->fm, type, ch);

    if (s->f[0].sel != sel)
        load(a, s);
    return r | UI_REDRAW;
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
    int lw = draw_max_width(labels, KWH_ARRAY_LEN(labels)), y = UI_TOP + 2;
    int v = theme_attr(CLR_READONLY);
    char b[64];

    (void)a;
    form_draw(&s->fm, true);
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
    form_draw(&s->fm, true);
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
    .key = balance_key,
    .leave = balance_leave,
};
