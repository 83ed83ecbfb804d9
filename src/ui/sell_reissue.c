/* SPDX-License-Identifier: Apache-2.0 */
/* 补卡售电 (M13): find the account by number, choose whether the last purchase reached
 * the meter, take the fee and an optional purchase, write the blank card in the reader.
 * The old card stops working. */
#include <string.h>

#include "kwhpos/core.h"
#include "kwhpos/plan.h"
#include "kwhpos/units.h"
#include "kwhpos/util.h"
#include "ui/parts.h"

enum { F_CONSUMED, F_FEE, F_PURCHASE, F_N = F_PURCHASE + PF_COUNT };

#define FORM_ROW (UI_TOP + 8)

struct reissue {
    struct cust_ctx cc;
    bool has_ev; /* the ledger's evidence for the account found */
    struct kwh_reissue_evidence ev;
    struct field f[F_N];
    struct form fm;
    struct last_receipt last;
};

static void reissue_enter(struct app *a, void *st, int arg)
{
    struct reissue *s = st;
    struct kwh_site site;
    struct kwh_err e;

    (void)arg;
    s->f[F_CONSUMED] = (struct field){.label = N_("Consumption state"),
                                      .kind = FK_CHOICE,
                                      .row = 0,
                                      .items = label_consumed_items,
                                      .nitems = 2,
                                      .width = 18};
    s->f[F_FEE] = (struct field){.label = N_("Reissue fee (yuan)"),
                                 .kind = FK_MONEY,
                                 .row = 1,
                                 .optional_zero = true,
                                 .imax = UNITS_MAX_FEN,
                                 .width = 14};
    purchase_fields_init(&s->f[F_PURCHASE], 2, 0, false);
    purchase_fields_sync(&s->f[F_PURCHASE]);
    form_init(&s->fm, s->f, F_N, FORM_ROW);
    kwh_err_clear(&e);
    if (settings_get(a->core, &site, &e) == 0)
        form_set_value(&s->fm, F_FEE, site.reissue_fee_fen);
}

/* What the ledger says of the last purchase: two lines from row y. */
static void evidence_draw(const struct kwh_reissue_evidence *ev, int y)
{
    char line[256], t[32], b1[32], b2[32];

    if (ev->has_last_sale)
        snprintf(line, sizeof line, _("Last purchase: no. %d, %s, %s kWh, %s yuan"),
                 ev->last_sale.purchase_count, fmt_time(t, sizeof t, ev->last_sale.created),
                 fmt_energy(b1, sizeof b1, model_sale_card_ckwh(&ev->last_sale)),
                 fmt_money(b2, sizeof b2, ev->last_sale.amount_fen));
    else
        snprintf(line, sizeof line, "%s", _("Last purchase: none"));
    draw_text(stdscr, y, 2, COLS - 4, line, theme_attr(CLR_READONLY));
    if (ev->pending)
        snprintf(line, sizeof line, "%s",
                 _("Not known to be in the meter: a card write was not finished. Proposed: "
                   "not consumed."));
    else if (ev->loaded)
        snprintf(line, sizeof line,
                 _("In the meter: the meter reported purchase %d loaded. Proposed: consumed."),
                 ev->loaded_count);
    else if (ev->loaded_count > 0)
        snprintf(line, sizeof line,
                 _("Not known to be in the meter: it last reported purchase %d. Proposed: not "
                   "consumed."),
                 ev->loaded_count);
    else
        snprintf(line, sizeof line, "%s",
                 _("Not known to be in the meter: no meter report yet. Proposed: not "
                   "consumed."));
    draw_text(stdscr, y + 1, 2, COLS - 4, line, theme_attr(ev->loaded ? CLR_OK : CLR_WARN));
}

/* F3: the account, and the consumption state its ledger proposes. */
static void reissue_find(struct app *a, struct reissue *s)
{
    struct kwh_err e;

    s->has_ev = false;
    if (!cust_find(a, &s->cc))
        return;
    kwh_err_clear(&e);
    if (reissue_evidence(a->core, &a->s, s->cc.c.customer_no, &s->ev, &e) < 0) {
        app_error(a, &e);
        return;
    }
    s->has_ev = true;
    s->f[F_CONSUMED].sel = s->ev.loaded ? 0 : 1;
}

/* The clerk chose against the evidence: say what the records show and what the wrong
 * choice costs, and ask again. */
static bool against_evidence_ok(struct app *a, const struct kwh_plan_view *v)
{
    const struct kwh_reissue_evidence *ev = &v->evidence;
    char text[KWH_ERR_MSG * 2];

    if (!v->against_evidence)
        return true;
    if (v->consumed)
        snprintf(text, sizeof text,
                 _("The records do not show purchase %d in the meter (its last report: purchase "
                   "%d). Choose consumed only if the meter's display shows purchase count %d: "
                   "otherwise the meter refuses the new card (E7) and another card is needed.\n\n"
                   "Reissue as consumed?"),
                 ev->purchase_count, ev->loaded_count, ev->purchase_count);
    else
        snprintf(text, sizeof text,
                 _("The meter reported purchase %d loaded. Not consumed puts it on the new card "
                   "again (the meter answers EA), and no purchase can be sold with it.\n\n"
                   "Reissue as not consumed?"),
                 ev->loaded_count);
    return dialog_confirm(a, _("Not what the records say"), text);
}

static void reissue_draw(struct app *a, void *st)
{
    struct reissue *s = st;

    cust_draw(a, &s->cc, UI_TOP);
    if (s->cc.have && s->has_ev)
        evidence_draw(&s->ev, FORM_ROW - 2);
    {
        int y = FORM_ROW + 6;

        y +=
            draw_wrap(stdscr, y, 2, COLS - 4,
                      _("Consumed: the last purchase is in the meter. Only then can a new purchase "
                        "go on the card."),
                      theme_attr(CLR_INFO), 2);
        draw_text(stdscr, y, 2, COLS - 4,
                  _("Put a blank card in the reader; the customer's old card stops working."),
                  theme_attr(CLR_INFO));
    }
    form_draw(&s->fm, s->cc.have);
}

static int reissue_submit(struct app *a, struct reissue *s)
{
    struct kwh_purchase_req p;
    struct kwh_card_view blank;
    struct kwh_plan *plan = NULL;
    struct kwh_receipt r;
    struct kwh_err e;
    bool consumed = s->f[F_CONSUMED].sel == 0;

    if (!cust_form_ready(a, &s->cc, &s->fm, _("Find the customer first (F3).")))
        return UI_HANDLED;
    purchase_fields_get(&s->fm, F_PURCHASE, &p);
    kwh_err_clear(&e);
    app_msg(a, CLR_INFO, "%s", _("Reading the card..."));
    app_draw(a);
    if (plan_made(a, cardview_read(a->core, &a->s, &blank, &e), &e) < 0 ||
        plan_made(a,
                  reissue_plan(a->core, &a->s, s->cc.c.customer_no, &blank, consumed,
                               form_value(&s->fm, F_FEE), &p, &plan, &e),
                  &e) < 0)
        return UI_HANDLED;
    if (!against_evidence_ok(a, plan_view(plan))) {
        plan_free(plan);
        app_msg(a, CLR_INFO, "%s", _("Cancelled; nothing was written."));
        return UI_HANDLED;
    }
    if (plan_confirm_commit(a, plan, _("Confirm the reissue"),
                            _("Write a new card on the blank card in the reader?"), &r) <= 0)
        return UI_HANDLED;
    cust_reload(a, &s->cc);
    s->has_ev = false;
    app_msg(a, CLR_OK, "%s", _("The new card is written; the old card no longer works."));
    receipt_keep(a, &s->last, &r, _("Card reissued"));
    return UI_HANDLED;
}

static int reissue_action(struct app *a, void *st, int act)
{
    struct reissue *s = st;

    switch (act) {
    case ACT_FIND: reissue_find(a, s); return UI_HANDLED;
    case ACT_SUBMIT: return reissue_submit(a, s);
    default: return purchase_action(a, &s->fm, F_PURCHASE, &s->last, act);
    }
}

static int reissue_key(struct app *a, void *st, int type, wint_t ch)
{
    struct reissue *s = st;
    int r = cust_form_key(a, &s->cc, &s->fm, type, ch, _("Find the customer first (F3)."));

    purchase_fields_sync(&s->f[F_PURCHASE]);
    return r;
}

const struct screen scr_reissue = {
    .title = N_("Card reissue"),
    .actions = ACT_BIT(ACT_FIND) | ACT_BIT(ACT_TOGGLE) | ACT_BIT(ACT_PRINT),
    .submit_label = N_("Reissue"),
    .state_size = sizeof(struct reissue),
    .enter = reissue_enter,
    .draw = reissue_draw,
    .action = reissue_action,
    .key = reissue_key,
};
