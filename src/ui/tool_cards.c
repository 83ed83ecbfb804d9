/* SPDX-License-Identifier: Apache-2.0 */
/* 工具卡 (M30): management card (meter parameters for every meter of the area), clear
 * card, relay card, test card, each written onto a blank card. */
#include <stdio.h>
#include <string.h>

#include "kwhpos/plan.h"
#include "kwhpos/units.h"
#include "kwhpos/util.h"
#include "ui/parts.h"

enum { F_PRESET, F_LIMIT_MODE, F_LIMIT, F_ALARM, F_OVERDRAFT, F_HOARD, F_N };

/* The current limit a management card sets: none (each meter keeps its own), each
 * meter's rating, or a value. */
enum { LIMIT_KEEP, LIMIT_RATING, LIMIT_VALUE };

static const char *const preset_items[] = {N_("Parameters below"), N_("保电: keep the power on")};
static const char *const limit_items[] = {N_("Unchanged"), N_("Each meter's rating"),
                                          N_("This value")};

struct toolcard {
    int type;
    int preset; /* the preset the values were last set from */
    struct field f[F_N];
    struct form fm;
};

static const char *what(int type)
{
    switch (type) {
    case KWH_CARD_MANAGEMENT:
        return _("A management card sets these parameters in every meter of the area it is "
                 "inserted in. To keep power on for good use very large overdraft and hoard "
                 "values.");
    case KWH_CARD_CLEAR:
        return _("A clear card returns a meter to the un-opened state: customer data and "
                 "parameters are erased.");
    case KWH_CARD_RELAY:
        return _("A relay card switches the meter's relay once, to test it; the relay "
                 "returns to its state after a while.");
    default: return _("A test card is for the metering test; the energy it uses is not charged.");
    }
}

static void tool_enter(struct app *a, void *st, int arg)
{
    struct toolcard *s = st;
    static const char *const titles[] = {
        [KWH_CARD_MANAGEMENT] = N_("Management card"),
        [KWH_CARD_CLEAR] = N_("Clear card"),
        [KWH_CARD_RELAY] = N_("Relay card"),
        [KWH_CARD_TEST] = N_("Test card"),
    };

    s->type = arg;
    if (arg >= KWH_CARD_MANAGEMENT && arg <= KWH_CARD_TEST)
        a->title = titles[arg];
    s->f[F_PRESET] = (struct field){.label = N_("Preset"),
                                    .kind = FK_CHOICE,
                                    .row = 0,
                                    .items = preset_items,
                                    .nitems = 2,
                                    .width = 28};
    s->f[F_LIMIT_MODE] = (struct field){.label = N_("Current limit"),
                                        .kind = FK_CHOICE,
                                        .row = 1,
                                        .items = limit_items,
                                        .nitems = 3,
                                        .width = 28};
    s->f[F_LIMIT] = (struct field){.label = N_("Current limit (A)"),
                                   .kind = FK_INT,
                                   .row = 2,
                                   .imin = 1,
                                   .imax = 1000,
                                   .required = true,
                                   .hidden = true,
                                   .width = 12};
    s->f[F_ALARM] = (struct field){.label = N_("Alarm kWh"),
                                   .kind = FK_ENERGY,
                                   .row = 3,
                                   .imax = UNITS_MAX_CKWH,
                                   .required = true,
                                   .width = 12};
    s->f[F_OVERDRAFT] = (struct field){.label = N_("Overdraft kWh"),
                                       .kind = FK_ENERGY,
                                       .row = 4,
                                       .imax = UNITS_MAX_CKWH,
                                       .required = true,
                                       .width = 12};
    s->f[F_HOARD] = (struct field){.label = N_("Hoard limit kWh"),
                                   .kind = FK_ENERGY,
                                   .row = 5,
                                   .imax = UNITS_MAX_CKWH,
                                   .required = true,
                                   .width = 12};
    /* a management card never lowers a meter's limit unless asked to */
    s->f[F_LIMIT_MODE].sel = LIMIT_KEEP;
    ledit_set(&s->f[F_LIMIT].ed, "");
    ledit_set(&s->f[F_ALARM].ed, "10.00");
    ledit_set(&s->f[F_OVERDRAFT].ed, "5.00");
    ledit_set(&s->f[F_HOARD].ed, "2000.00");
    form_init(&s->fm, s->f, s->type == KWH_CARD_MANAGEMENT ? F_N : 0, UI_TOP + 5);
}

/* The fields from the 保电 preset (manual 十二.3) when it was just chosen. */
static void apply_preset(struct toolcard *s)
{
    struct kwh_meter_params p;
    char b[32];

    if (s->f[F_PRESET].sel == s->preset)
        return;
    s->preset = s->f[F_PRESET].sel;
    if (s->preset != 1)
        return;
    tool_card_keep_on(&p);
    s->f[F_LIMIT_MODE].sel = LIMIT_RATING;
    ledit_set(&s->f[F_ALARM].ed, fmt_energy(b, sizeof b, p.alarm_ckwh));
    ledit_set(&s->f[F_OVERDRAFT].ed, fmt_energy(b, sizeof b, p.overdraft_ckwh));
    ledit_set(&s->f[F_HOARD].ed, fmt_energy(b, sizeof b, p.hoard_ckwh));
}

static void sync_fields(struct toolcard *s)
{
    s->f[F_LIMIT].hidden = s->f[F_LIMIT_MODE].sel != LIMIT_VALUE;
}

static void tool_draw(struct app *a, void *st)
{
    struct toolcard *s = st;
    char text[512];

    (void)a;
    snprintf(text, sizeof text, "%s", what(s->type));
    draw_wrap(stdscr, UI_TOP, 2, COLS - 4, text, theme_attr(CLR_INFO), 3);
    draw_text(stdscr, UI_TOP + 3, 2, COLS - 4, _("Put a blank card in the reader and press Enter."),
              theme_attr(CLR_INFO));
    if (s->fm.n > 0) {
        draw_wrap(stdscr, UI_TOP + 12, 2, COLS - 4,
                  _("保电: a management card with alarm, overdraft and hoard of 9999 kWh keeps a "
                    "meter switched on for a long time; each meter keeps its own rating as its "
                    "limit."),
                  theme_attr(CLR_INFO), 2);
        form_draw(&s->fm, true);
    }
}

static int tool_action(struct app *a, void *st, int act)
{
    struct toolcard *s = st;
    struct kwh_meter_params mp;
    struct kwh_card_view blank;
    struct kwh_plan *plan = NULL;
    struct kwh_receipt r;
    struct kwh_err e;
    char q[256];

    if (act != ACT_SUBMIT)
        return UI_IGNORED;
    if (s->fm.n > 0 && !form_validate(a, &s->fm))
        return UI_HANDLED;
    memset(&mp, 0, sizeof mp);
    if (s->type == KWH_CARD_MANAGEMENT) {
        int mode = s->f[F_LIMIT_MODE].sel;
        mp.current_limit_a = mode == LIMIT_VALUE    ? (uint16_t)form_value(&s->fm, F_LIMIT)
                             : mode == LIMIT_RATING ? CARD_LIMIT_RATING
                                                    : KWH_LIMIT_UNCHANGED;
        mp.alarm_ckwh = (uint32_t)form_value(&s->fm, F_ALARM);
        mp.overdraft_ckwh = (uint32_t)form_value(&s->fm, F_OVERDRAFT);
        mp.hoard_ckwh = (uint32_t)form_value(&s->fm, F_HOARD);
        mp.ct_ratio = 1;
    }
    kwh_err_clear(&e);
    app_msg(a, CLR_INFO, "%s", _("Reading the card..."));
    app_draw(a);
    if (plan_made(a, cardview_read(a->core, &a->s, &blank, &e), &e) < 0 ||
        plan_made(a,
                  tool_card_plan(a->core, &a->s, &blank, s->type,
                                 s->type == KWH_CARD_MANAGEMENT ? &mp : NULL, &plan, &e),
                  &e) < 0)
        return UI_HANDLED;
    snprintf(q, sizeof q, _("Write a %s on the blank card in the reader?"),
             model_card_type_label(s->type));
    if (plan_confirm_commit(a, plan, model_card_type_label(s->type), q, &r) <= 0)
        return UI_HANDLED;
    app_set_card(a, model_card_type_label(s->type));
    app_msg(a, CLR_OK, _("%s written. Write its kind on the back of the card."),
            model_card_type_label(s->type));
    return UI_HANDLED;
}

static int tool_key(struct app *a, void *st, int type, wint_t ch)
{
    struct toolcard *s = st;

    int r;

    if (s->fm.n == 0)
        return UI_IGNORED;
    r = form_key(a, &s->fm, type, ch);
    apply_preset(s);
    sync_fields(s);
    return r;
}

const struct screen scr_toolcard = {
    .title = N_("Tool card"),
    .submit_label = N_("Write card"),
    .state_size = sizeof(struct toolcard),
    .enter = tool_enter,
    .draw = tool_draw,
    .action = tool_action,
    .key = tool_key,
};
