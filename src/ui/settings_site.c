/* SPDX-License-Identifier: Apache-2.0 */
/* The site's business settings kept in the database: 用电单位参数设置 (M3),
 * 用电单位局号设置 (M4) and 每月免费电量 with the per-sale limits (M34). */
#include <stdio.h>
#include <string.h>

#include "kwhpos/units.h"
#include "kwhpos/util.h"
#include "ui/widgets.h"
#include "kwhpos/core.h"

#define NF 5

struct site {
    struct kwh_site site;
    struct field f[NF];
    struct form fm;
};

static bool load(struct app *a, struct site *s)
{
    struct kwh_err e;

    kwh_err_clear(&e);
    if (settings_get(a->core, &s->site, &e) < 0) {
        app_msg(a, CLR_ERROR, "%s", e.msg);
        return false;
    }
    return true;
}

static int site_key(struct app *a, void *st, int type, wint_t ch)
{
    return form_key(a, &((struct site *)st)->fm, type, ch);
}

static void site_draw(struct app *a, void *st)
{
    (void)a;
    form_draw(&((struct site *)st)->fm, true);
}

/* --- M3 ----------------------------------------------------------------------------- */

static void unit_enter(struct app *a, void *st, int arg)
{
    struct site *s = st;

    (void)arg;
    s->f[0] = (struct field){
        .label = N_("Unit name"), .kind = FK_TEXT, .row = 0, .required = true, .maxlen = 60};
    s->f[1] = (struct field){.label = N_("Phone"), .kind = FK_TEXT, .row = 1, .maxlen = 30};
    if (load(a, s)) {
        ledit_set(&s->f[0].ed, s->site.unit_name);
        ledit_set(&s->f[1].ed, s->site.unit_phone);
    }
    form_init(&s->fm, s->f, 2, UI_TOP + 1);
}

static int unit_action(struct app *a, void *st, int act)
{
    struct site *s = st;
    struct kwh_err e;

    if (act != ACT_SUBMIT)
        return UI_IGNORED;
    if (!form_validate(a, &s->fm))
        return UI_HANDLED;
    kwh_err_clear(&e);
    if (settings_set_unit(a->core, &a->s, form_text(&s->fm, 0), form_text(&s->fm, 1), &e) < 0)
        app_error(a, &e);
    else
        app_msg(a, CLR_OK, "%s", _("Saved. Invoices print the new name and phone."));
    return UI_HANDLED;
}

const struct screen scr_unit = {
    .title = N_("Unit name and phone"),
    .submit_label = N_("Save"),
    .state_size = sizeof(struct site),
    .enter = unit_enter,
    .draw = site_draw,
    .action = unit_action,
    .key = site_key,
};

/* --- M4 ----------------------------------------------------------------------------- */

static void area_enter(struct app *a, void *st, int arg)
{
    struct site *s = st;

    (void)arg;
    s->f[0] = (struct field){.label = N_("Area code"),
                             .kind = FK_DIGITS,
                             .row = 0,
                             .minlen = 6,
                             .maxlen = 6,
                             .required = true,
                             .width = 8};
    if (load(a, s))
        ledit_set(&s->f[0].ed, s->site.area_code);
    form_init(&s->fm, s->f, 1, UI_TOP + 1);
}

static void area_draw(struct app *a, void *st)
{
    struct site *s = st;
    int y = UI_TOP + 3;
    char layout[160];

    /* one text, wrapped where the language needs it */
    y += draw_wrap(stdscr, y, 2, COLS - 4,
                   _("Six digits 0-9. The area code protects every card of the site: keep it "
                     "secret, write it down, and do not change it once cards are in use."),
                   theme_attr(CLR_INFO), 2);
    if (s->site.cards_issued)
        draw_text(stdscr, UI_TOP + 6, 2, COLS - 4,
                  _("Cards have been issued: a new area code makes every issued card unusable."),
                  theme_attr(CLR_WARN));
    /* the card layout: chosen at kwhpos init, changeable only before the first card */
    snprintf(layout, sizeof layout,
             _("Card layout: %s (the one the site's meters read; kwhpos settings show)"),
             s->site.card_profile);
    draw_text(stdscr, UI_TOP + 8, 2, COLS - 4, layout, theme_attr(CLR_INFO));
    site_draw(a, st);
}

static int area_action(struct app *a, void *st, int act)
{
    struct site *s = st;
    struct kwh_err e;
    bool force = false;

    if (act != ACT_SUBMIT)
        return UI_IGNORED;
    if (!form_validate(a, &s->fm))
        return UI_HANDLED;
    if (strcmp(form_text(&s->fm, 0), s->site.area_code) == 0) {
        app_msg(a, CLR_INFO, "%s", _("The area code is unchanged."));
        return UI_HANDLED;
    }
    if (s->site.cards_issued) {
        if (!dialog_confirm(a, _("Change the area code"),
                            _("Cards have been issued under the current area code. After the "
                              "change none of them works in the meters, and every meter "
                              "must be set up again.\n\nChange it all the same?")))
            return UI_HANDLED;
        force = true;
    }
    kwh_err_clear(&e);
    if (settings_set_area_code(a->core, &a->s, form_text(&s->fm, 0), force, &e) < 0) {
        app_error(a, &e);
        return UI_HANDLED;
    }
    load(a, s);
    app_msg(a, CLR_OK, "%s", _("Area code saved."));
    return UI_HANDLED;
}

const struct screen scr_area = {
    .title = N_("Area code setting"),
    .submit_label = N_("Save"),
    .state_size = sizeof(struct site),
    .enter = area_enter,
    .draw = area_draw,
    .action = area_action,
    .key = site_key,
};

/* --- M34 ---------------------------------------------------------------------------- */

static void limits_enter(struct app *a, void *st, int arg)
{
    struct site *s = st;

    (void)arg;
    s->f[0] = (struct field){.label = N_("Monthly free kWh"),
                             .kind = FK_ENERGY,
                             .row = 0,
                             .imax = UNITS_MAX_CKWH,
                             .optional_zero = true,
                             .width = 14};
    s->f[1] = (struct field){.label = N_("Largest sale (yuan)"),
                             .kind = FK_MONEY,
                             .row = 1,
                             .imax = UNITS_MAX_FEN,
                             .optional_zero = true,
                             .width = 14};
    s->f[2] = (struct field){.label = N_("Largest sale (kWh)"),
                             .kind = FK_ENERGY,
                             .row = 2,
                             .imax = UNITS_MAX_CKWH,
                             .optional_zero = true,
                             .width = 14};
    s->f[3] = (struct field){.label = N_("Reissue fee (yuan)"),
                             .kind = FK_MONEY,
                             .row = 3,
                             .imax = UNITS_MAX_FEN,
                             .optional_zero = true,
                             .width = 14};
    s->f[4] = (struct field){.label = N_("Each card read starts"),
                             .kind = FK_CHOICE,
                             .row = 4,
                             .items = label_mode_items,
                             .nitems = 2};
    form_init(&s->fm, s->f, NF, UI_TOP + 1);
    if (load(a, s)) {
        form_set_value(&s->fm, 0, s->site.monthly_free_ckwh);
        form_set_value(&s->fm, 1, s->site.max_sale_fen);
        form_set_value(&s->fm, 2, s->site.max_sale_ckwh);
        form_set_value(&s->fm, 3, s->site.reissue_fee_fen);
        s->f[4].sel = s->site.sale_mode == KWH_BY_KWH ? 1 : 0;
    }
}

static void limits_draw(struct app *a, void *st)
{
    draw_text(stdscr, UI_TOP + 7, 2, COLS - 4,
              _("The free energy is granted with the first purchase of each month;"),
              theme_attr(CLR_INFO));
    draw_text(stdscr, UI_TOP + 8, 2, COLS - 4,
              _("it expires at the end of the month and never accumulates. 0 = none."),
              theme_attr(CLR_INFO));
    draw_text(stdscr, UI_TOP + 9, 2, COLS - 4,
              _("Every card read on the sale screens starts by amount or by kWh, as set here."),
              theme_attr(CLR_INFO));
    site_draw(a, st);
}

static int limits_action(struct app *a, void *st, int act)
{
    struct site *s = st;
    struct kwh_site v;
    struct kwh_err e;

    if (act != ACT_SUBMIT)
        return UI_IGNORED;
    if (!form_validate(a, &s->fm))
        return UI_HANDLED;
    v = s->site;
    v.monthly_free_ckwh = form_value(&s->fm, 0);
    v.max_sale_fen = form_value(&s->fm, 1);
    v.max_sale_ckwh = form_value(&s->fm, 2);
    v.reissue_fee_fen = form_value(&s->fm, 3);
    v.sale_mode = s->f[4].sel == 1 ? KWH_BY_KWH : KWH_BY_AMOUNT;
    kwh_err_clear(&e);
    if (settings_set_limits(a->core, &a->s, &v, &e) < 0) {
        app_error(a, &e);
        return UI_HANDLED;
    }
    load(a, s);
    app_msg(a, CLR_OK, "%s", _("Saved."));
    return UI_HANDLED;
}

const struct screen scr_limits = {
    .title = N_("Monthly free energy and limits"),
    .submit_label = N_("Save"),
    .state_size = sizeof(struct site),
    .enter = limits_enter,
    .draw = limits_draw,
    .action = limits_action,
    .key = site_key,
};
