/* SPDX-License-Identifier: Apache-2.0 */
/* 电价类型设置 (M5): the tariff list; add, edit (price changes keep history), delete
 * (refused while customers use the tariff). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kwhpos/units.h"
#include "kwhpos/util.h"
#include "ui/widgets.h"
#include "kwhpos/core.h"

#define LIST_ROWS 10

enum { F_NAME, F_PRICE, F_N };

struct tariffs {
    struct kwh_tariff *t;
    size_t n;
    struct listform lf;
    struct field f[F_N];
    struct form fm;
};

static void fill_form(void *ctx)
{
    struct tariffs *s = ctx;
    int sel = s->lf.l.sel;

    if (s->lf.adding || sel < 0 || (size_t)sel >= s->n) {
        form_set_text(&s->fm, F_NAME, "");
        form_set_text(&s->fm, F_PRICE, "");
        return;
    }
    form_set_text(&s->fm, F_NAME, s->t[sel].name);
    form_set_value(&s->fm, F_PRICE, s->t[sel].price);
}

static void reload(struct app *a, struct tariffs *s)
{
    struct kwh_err e;

    free(s->t);
    s->t = NULL;
    s->n = 0;
    kwh_err_clear(&e);
    if (tariff_list(a->core, &s->t, &s->n, &e) < 0)
        app_msg(a, CLR_ERROR, "%s", e.msg);
    listform_reloaded(&s->lf, (int)s->n);
}

static void tariffs_enter(struct app *a, void *st, int arg)
{
    struct tariffs *s = st;

    (void)arg;
    s->f[F_NAME] = (struct field){
        .label = N_("Tariff name"), .kind = FK_TEXT, .row = 0, .required = true, .maxlen = 30};
    s->f[F_PRICE] = (struct field){.label = N_("Price (yuan/kWh)"),
                                   .kind = FK_PRICE,
                                   .row = 1,
                                   .required = true,
                                   .imax = UNITS_MAX_PRICE,
                                   .width = 12};
    form_init(&s->fm, s->f, F_N, UI_TOP + LIST_ROWS + 2);
    s->lf.rows = LIST_ROWS;
    reload(a, s);
    s->lf.on_list = s->n > 0;
    s->lf.adding = s->n == 0;
    fill_form(s);
}

static void cell(void *ctx, int row, int col, char *buf, size_t n)
{
    const struct kwh_tariff *t = &((struct tariffs *)ctx)->t[row];
    char b[32];

    switch (col) {
    case 0: snprintf(buf, n, "%s", t->name); break;
    case 1:
        if (t->ntiers > 0) /* 阶梯电价: its first tier's price, and how many tiers */
            snprintf(buf, n, _("%s, %d tiers"), fmt_price(b, sizeof b, t->price), t->ntiers);
        else
            snprintf(buf, n, "%s", fmt_price(b, sizeof b, t->price));
        break;
    case 2: snprintf(buf, n, "%s", fmt_time(b, sizeof b, t->price_since)); break;
    default: snprintf(buf, n, "%" PRId64, t->customers); break;
    }
}

static void tariffs_draw(struct app *a, void *st)
{
    static const struct list_col cols[] = {
        {N_("Tariff"), 24, false},
        {N_("Price (yuan/kWh)"), 16, true},
        {N_("Since"), 17, false},
        {N_("Accounts"), 10, true},
    };
    struct tariffs *s = st;

    (void)a;
    list_draw(&s->lf.l, UI_TOP, 2, LIST_ROWS, cols, (int)KWH_ARRAY_LEN(cols), cell, s,
              s->lf.on_list);
    draw_text(stdscr, UI_TOP + LIST_ROWS + 1, 2, COLS - 4,
              s->lf.adding ? _("New tariff:")
                           : _("Selected tariff (Tab: edit, F5: new, F6: delete):"),
              theme_attr(CLR_INFO));
    form_draw(&s->fm, !s->lf.on_list);
}

/* A new price applies to every account on the tariff from their next purchase: say old
 * and new price and how many accounts, and ask (a tiered tariff: that it becomes flat). */
static bool price_change_ok(struct app *a, const struct kwh_tariff *t, int64_t price)
{
    char b1[32], b2[32], text[512];

    if (price == t->price)
        return true;
    if (t->ntiers > 0)
        return dialog_confirm(a, _("Tiered tariff"),
                              _("This tariff has tiers (阶梯电价, set with kwhpos tariff set "
                                "--tiers). A new price here makes it a flat tariff at that price "
                                "from now on. Go ahead?"));
    snprintf(text, sizeof text,
             _("Change the price of %s from %s to %s yuan/kWh?\n\n%lld open accounts use it: "
               "their next purchases are at the new price; sales already made keep theirs."),
             t->name, fmt_price(b1, sizeof b1, t->price), fmt_price(b2, sizeof b2, price),
             (long long)t->customers);
    return dialog_confirm(a, _("Change the price"), text);
}

static int save(struct app *a, struct tariffs *s)
{
    struct kwh_err e;
    int64_t id = 0;
    int rc, sel = -1;

    if (!form_validate(a, &s->fm)) {
        s->lf.on_list = false;
        return UI_HANDLED;
    }
    if (!s->lf.adding && !price_change_ok(a, &s->t[s->lf.l.sel], form_value(&s->fm, F_PRICE))) {
        app_msg(a, CLR_INFO, "%s", _("Cancelled; nothing was saved."));
        return UI_HANDLED;
    }
    kwh_err_clear(&e);
    if (s->lf.adding)
        rc = tariff_add(a->core, &a->s, form_text(&s->fm, F_NAME), form_value(&s->fm, F_PRICE), &id,
                        &e);
    else
        rc = tariff_update(a->core, &a->s, s->t[s->lf.l.sel].id, form_text(&s->fm, F_NAME),
                           form_value(&s->fm, F_PRICE), &e);
    if (rc < 0) {
        app_error(a, &e);
        return UI_HANDLED;
    }
    app_msg(a, CLR_OK, s->lf.adding ? _("Tariff %s added.") : _("Tariff %s saved."),
            form_text(&s->fm, F_NAME));
    reload(a, s);
    for (size_t i = 0; i < s->n; i++)
        if (s->lf.adding && s->t[i].id == id)
            sel = (int)i;
    listform_saved(&s->lf, sel);
    fill_form(s);
    return UI_HANDLED;
}

static int delete_selected(struct app *a, void *ctx, struct kwh_err *e)
{
    struct tariffs *s = ctx;

    return tariff_delete(a->core, &a->s, s->t[s->lf.l.sel].id, e);
}

static int tariffs_action(struct app *a, void *st, int act)
{
    struct tariffs *s = st;
    char q[256];

    switch (act) {
    case ACT_NEW: listform_new(&s->lf, &s->fm, F_NAME, fill_form, s); return UI_HANDLED;
    case ACT_DELETE:
        if (s->n == 0)
            return UI_HANDLED;
        snprintf(q, sizeof q, _("Delete the tariff %s?"), s->t[s->lf.l.sel].name);
        if (listform_delete(a, &s->lf, _("Delete tariff"), q, delete_selected, s,
                            _("Tariff deleted."))) {
            reload(a, s);
            s->lf.adding = s->n == 0;
            fill_form(s);
        }
        return UI_HANDLED;
    case ACT_SUBMIT:
        if (s->lf.on_list) {
            listform_to_form(&s->lf, &s->fm, F_NAME);
            return UI_HANDLED;
        }
        return save(a, s);
    default: return UI_IGNORED;
    }
}

static int tariffs_key(struct app *a, void *st, int type, wint_t ch)
{
    struct tariffs *s = st;

    return listform_key(a, &s->lf, &s->fm, F_NAME, type, ch, fill_form, s);
}

static void tariffs_leave(struct app *a, void *st)
{
    (void)a;
    free(((struct tariffs *)st)->t);
}

const struct screen scr_tariffs = {
    .title = N_("Tariffs"),
    .actions = ACT_BIT(ACT_NEW) | ACT_BIT(ACT_DELETE),
    .submit_label = N_("Save"),
    .state_size = sizeof(struct tariffs),
    .enter = tariffs_enter,
    .draw = tariffs_draw,
    .action = tariffs_action,
    .key = tariffs_key,
    .leave = tariffs_leave,
};
