/* SPDX-License-Identifier: Apache-2.0 */
/* The home screen: the site, how to reach the menus, and card writes still pending, each
 * with the station that recorded it (pending_list, as 待确认写卡 and `kwhpos pending list`
 * show them). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kwhpos/util.h"
#include "ui/widgets.h"
#include "kwhpos/core.h"

struct home {
    struct kwh_site site;
    bool have_site;
    struct kwh_pending_write *pending;
    size_t npending;
};

static void home_enter(struct app *a, void *st, int arg)
{
    struct home *h = st;
    struct kwh_err e;

    (void)arg;
    kwh_err_clear(&e);
    h->have_site = settings_get(a->core, &h->site, &e) == 0;
    kwh_err_clear(&e);
    if (pending_list(a->core, &h->pending, &h->npending, &e) < 0) {
        h->pending = NULL;
        h->npending = 0;
    }
}

static void pending_cell(void *ctx, int row, int col, char *buf, size_t n)
{
    const struct kwh_pending_write *w = &((struct home *)ctx)->pending[row];
    char t[32];

    switch (col) {
    case 0: snprintf(buf, n, "%s", fmt_time(t, sizeof t, w->created)); break;
    case 1:
        if (w->customer_no != 0)
            snprintf(buf, n, "%08" PRIu32, w->customer_no);
        else
            snprintf(buf, n, "-");
        break;
    case 2: snprintf(buf, n, "%s", w->customer_name); break;
    case 3:
        if (w->meter_no != 0)
            snprintf(buf, n, "%08" PRIu32, w->meter_no);
        break;
    case 4: snprintf(buf, n, "%s", model_op_label(w->kind)); break;
    default: snprintf(buf, n, "%s", w->station[0] != '\0' ? w->station : "-"); break;
    }
}

static void home_draw(struct app *a, void *st)
{
    struct home *h = st;
    int y = UI_TOP + 1;
    char buf[256];

    (void)a;
    if (h->have_site) {
        snprintf(buf, sizeof buf, "%s  %s", h->site.unit_name, h->site.unit_phone);
        draw_text(stdscr, y++, 2, COLS - 4, buf, theme_attr(CLR_READONLY));
    }
    y++;
    draw_text(stdscr, y++, 2, COLS - 4,
              _("F9 or Enter opens the menu; then a digit or the arrows choose."),
              theme_attr(CLR_INFO));
    draw_text(stdscr, y++, 2, COLS - 4, _("Daily sale: F9 3 1. Help on keys: F1."),
              theme_attr(CLR_INFO));
    y++;
    if (h->npending > 0) {
        /* 75 columns from column 2: the station that recorded the write last */
        static const struct list_col cols[] = {
            {N_("Time"), 16, false}, {N_("Customer"), 8, false},   {N_("Name"), 10, false},
            {N_("Meter"), 8, false}, {N_("Operation"), 10, false}, {N_("Station"), 16, false},
        };
        struct list l = {.n = (int)h->npending, .sel = -1};
        snprintf(buf, sizeof buf,
                 _("%zu card writes are not confirmed yet: read those cards again (F2 in "
                   "Daily sale)."),
                 h->npending);
        draw_text(stdscr, y++, 2, COLS - 4, buf, theme_attr(CLR_WARN));
        list_draw(&l, y, 2, UI_TOP + UI_ROWS - y, cols, (int)KWH_ARRAY_LEN(cols), pending_cell, h,
                  false);
    }
}

static int home_action(struct app *a, void *st, int act)
{
    (void)st;
    if (act == ACT_SUBMIT) {
        menu_run(a, -1);
        return UI_HANDLED;
    }
    return UI_IGNORED;
}

static void home_leave(struct app *a, void *st)
{
    struct home *h = st;

    (void)a;
    free(h->pending);
}

const struct screen scr_home = {
    .title = N_("Home"),
    .submit_label = N_("Menu"),
    .state_size = sizeof(struct home),
    .enter = home_enter,
    .draw = home_draw,
    .action = home_action,
    .leave = home_leave,
};
