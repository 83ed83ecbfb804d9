/* SPDX-License-Identifier: Apache-2.0 */
/* 工具卡 (M30): management card (meter parameters for every meter of the area), clear
 * card, relay card, test card, each written onto a blank card. */
#include <stdio.h>
#include <string.h>

#include "kwhpos/units.h"
#include "kwhpos/util.h"
#include "ui/parts.h"

enum { F_LIMIT, F_ALARM, F_OVERDRAFT, F_HOARD, F_N };

struct toolcard {
    int type;
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
    s->f[F_LIMIT] = (struct field){.label = N_("Current limit (A)"),
                                   .kind = FK_INT,
                                   .row = 0,
                                   .imin = 1,
                                   .imax = 1000,
                                   .required = true,
                                   .width = 12};
    s->f[F_ALARM] = (struct field){.label = N_("Alarm kWh"),
                                   .kind = FK_ENERGY,
                                   .row = 1,
                                   .imax = UNITS_MAX_CKWH,
                                   .required = true,
                                   .width = 12};
    s->f[F_OVERDRAFT] = (struct field){.label = N_("Overdraft kWh"),
                                       .kind = FK_ENERGY,
                                       .row = 2,
                                       .imax = UNITS_MAX_CKWH,
                                       .required = true,
                                       .width = 12};
    s->f[F_HOARD] = (struct field){.label = N_("Hoard limit kWh"),
                                   .kind = FK_ENERGY,
                                   .row = 3,
                                   .imax = UNITS_MAX_CKWH,
                                   .required = true,
                                   .width = 12};
    ledit_set(&s->f[F_LIMIT].ed, "40");
    ledit_set(&s->f[F_ALARM].ed, "10.00");
    ledit_set(&s->f[F_OVERDRAFT].ed, "5.00");
    ledit_set(&s->f[F_HOARD].ed, "9999.00");
    form_init(&s->fm, s->f, s->type == KWH_CARD_MANAGEMENT ? F_N : 0, UI_TOP + 5);
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
    if (s->fm.n > 0)
        form_draw(&s->fm, true);
}

static int tool_action(struct app *a, void *st, int act)
{
    struct toolcard *s = st;
    struct kwh_meter_params mp;
    struct kwh_err e;
    char q[256], desc[64];

    if (act != ACT_SUBMIT)
        return UI_IGNORED;
    if (s->fm.n > 0 && !form_validate(a, &s->fm))
        return UI_HANDLED;
    memset(&mp, 0, sizeof mp);
    if (s->type == KWH_CARD_MANAGEMENT) {
        mp.current_limit_a = (uint16_t)form_value(&s->fm, F_LIMIT);
        mp.alarm_ckwh = (uint32_t)form_value(&s->fm, F_ALARM);
        mp.overdraft_ckwh = (uint32_t)form_value(&s->fm, F_OVERDRAFT);
        mp.hoard_ckwh = (uint32_t)form_value(&s->fm, F_HOARD);
        mp.ct_ratio = 1;
    }
    snprintf(q, sizeof q, _("Write a %s on the blank card in the reader?"),
             label_card_type(s->type));
    if (!dialog_confirm(a, label_card_type(s->type), q))
        return UI_HANDLED;
    kwh_err_clear(&e);
    if (toolcard_make(a->core, &a->s, s->type, s->type == KWH_CARD_MANAGEMENT ? &mp : NULL, &e) <
        0) {
        app_error(a, &e);
        return UI_HANDLED;
    }
    snprintf(desc, sizeof desc, "%s", label_card_type(s->type));
    app_set_card(a, desc);
    app_msg(a, CLR_OK, _("%s written. Write its kind on the back of the card."),
            label_card_type(s->type));
    return UI_HANDLED;
}

static int tool_key(struct app *a, void *st, int type, wint_t ch)
{
    struct toolcard *s = st;

    if (s->fm.n == 0)
        return UI_IGNORED;
    return form_key(a, &s->fm, type, ch);
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
