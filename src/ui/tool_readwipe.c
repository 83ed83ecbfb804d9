/* SPDX-License-Identifier: Apache-2.0 */
/* 读卡清卡 (M31): show what any card is, and wipe a card back to blank. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "kwhpos/plan.h"
#include "kwhpos/util.h"
#include "ui/parts.h"

struct readwipe {
    bool have;
    struct kwh_card_view info; /* the card as read (a refused card described) */
};

static void rw_draw(struct app *a, void *st)
{
    static const char *const labels[] = {
        N_("Card"),           N_("Area code"),    N_("Meter number"),    N_("Customer"),
        N_("Purchase count"), N_("Purchase kWh"), N_("Card generation"), N_("Meter report"),
    };
    struct readwipe *s = st;
    const struct kwh_card *c = &s->info.card;
    int lw = draw_max_width(labels, KWH_ARRAY_LEN(labels)), y = UI_TOP + 1;
    int v = theme_attr(CLR_READONLY);
    char b[KWH_TEXT_MAX + 32], e1[32];

    (void)a;
    if (!s->have) {
        draw_text(stdscr, y, 2, COLS - 4, _("Put any card in the reader and press F2."),
                  theme_attr(CLR_INFO));
        return;
    }
    snprintf(b, sizeof b, "%s%s", s->info.blank ? _("Blank card") : model_card_type_label(c->type),
             s->info.ours || s->info.blank ? "" : _(" (not of this site)"));
    draw_pair(stdscr, y++, 2, lw, COLS - 4, _(labels[0]), b,
              theme_attr(s->info.ours || s->info.blank ? CLR_READONLY : CLR_WARN));
    if (!s->info.ours && s->info.problem[0])
        draw_text(stdscr, y++, 2 + lw + 1, COLS - lw - 5, s->info.problem, theme_attr(CLR_WARN));
    if (s->info.blank)
        return;
    draw_pair(stdscr, y++, 2, lw, COLS - 4, _(labels[1]), c->area_code, v);
    snprintf(b, sizeof b, "%08" PRIu32, c->meter_no);
    draw_pair(stdscr, y++, 2, lw, COLS - 4, _(labels[2]), b, v);
    if (s->info.has_customer)
        snprintf(b, sizeof b, "%" PRIu32 " %s (%s)", s->info.customer.customer_no,
                 s->info.customer.name, label_status(s->info.customer.status));
    else
        snprintf(b, sizeof b, "%" PRIu32, c->customer_no);
    draw_pair(stdscr, y++, 2, lw, COLS - 4, _(labels[3]), b, v);
    snprintf(b, sizeof b, "%u", (unsigned)c->purchase_count);
    draw_pair(stdscr, y++, 2, lw, COLS - 4, _(labels[4]), b, v);
    draw_pair(stdscr, y++, 2, lw, COLS - 4, _(labels[5]), fmt_energy(b, sizeof b, c->purchase_ckwh),
              v);
    snprintf(b, sizeof b, "%u", (unsigned)c->generation);
    draw_pair(stdscr, y++, 2, lw, COLS - 4, _(labels[6]), b, v);
    if (c->ret.valid)
        snprintf(b, sizeof b, "%s kWh, %s, %s %08" PRIu32,
                 fmt_energy(e1, sizeof e1, c->ret.remaining_ckwh), label_meter_code(c->ret.display),
                 _("meter"), c->ret.meter_no);
    else
        snprintf(b, sizeof b, "%s", _("none"));
    draw_pair(stdscr, y++, 2, lw, COLS - 4, _(labels[7]), b, v);
    if (c->ret.valid && c->ret.display != KWH_MC_GOOD)
        draw_text(stdscr, y++, 2, COLS - 4, error_meter_advice(c->ret.display),
                  theme_attr(CLR_WARN));
}

static int rw_action(struct app *a, void *st, int act)
{
    struct readwipe *s = st;
    struct kwh_plan *plan = NULL;
    struct kwh_receipt r;
    struct kwh_err e;
    char desc[96];
    int rc;

    switch (act) {
    case ACT_READ:
        kwh_err_clear(&e);
        s->have = false;
        /* a refused card is described, not an error here */
        rc = cardview_read(a->core, &a->s, &s->info, &e);
        if (rc < 0 && rc != KWH_ECARD) {
            app_error(a, &e);
            return UI_HANDLED;
        }
        s->have = true;
        cust_card_desc(&s->info.card, desc, sizeof desc);
        app_set_card(a, s->info.blank ? _("Blank card") : desc);
        app_msg(a, CLR_OK, "%s", _("Card read."));
        return UI_HANDLED;
    case ACT_WIPE:
        kwh_err_clear(&e);
        rc = cardview_read(a->core, &a->s, &s->info, &e);
        if (plan_made(a, rc == KWH_ECARD ? 0 : rc, &e) < 0 ||
            plan_made(a, wipe_plan(a->core, &a->s, &s->info, &plan, &e), &e) < 0)
            return UI_HANDLED;
        if (plan_confirm_commit(a, plan, _("Wipe card"),
                                _("Wipe the card in the reader back to a blank card? Everything "
                                  "on it is lost."),
                                &r) <= 0)
            return UI_HANDLED;
        s->have = false;
        app_set_card(a, _("Blank card"));
        app_msg(a, CLR_OK, "%s", _("The card is blank now."));
        return UI_HANDLED;
    default: return UI_IGNORED;
    }
}

const struct screen scr_readwipe = {
    .title = N_("Read or wipe a card"),
    .actions = ACT_BIT(ACT_READ) | ACT_BIT(ACT_WIPE),
    .state_size = sizeof(struct readwipe),
    .draw = rw_draw,
    .action = rw_action,
};
