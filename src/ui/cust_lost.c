/* SPDX-License-Identifier: Apache-2.0 */
/* 挂失 (SPEC B13): a customer reports their card lost without a reissue: the account is
 * found with F3 and Enter puts its card on the blacklist (card_mark_lost), so the card
 * is refused at the counter from then on. Under it the blacklist (the cards reported
 * lost and those a reissue replaced, within the operator's areas, newest first); F6 takes
 * a card reported lost off it again when it was found (card_mark_found: the core lets an
 * administrator only). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "kwhpos/oversight.h"
#include "kwhpos/query.h"
#include "kwhpos/util.h"
#include "ui/parts.h"

enum { C_NO, C_NAME, C_REASON, C_MARKED, C_TRIES, C_LAST, C_N };

struct lost {
    struct cust_ctx cc;
    struct kwh_card_mark *m; /* the blacklist (owned) */
    size_t n;
    struct list l;
};

static const struct list_col cols[C_N] = {
    {N_("Cust. no."), 9, false}, {N_("Name"), 12, false},    {N_("Reason"), 10, false},
    {N_("Since"), 16, false},    {N_("Presented"), 9, true}, {N_("Last presented"), 12, false},
};

#define LIST_Y (UI_TOP + 4)

static int list_h(void)
{
    return UI_TOP + UI_ROWS - 1 - LIST_Y;
}

static const char *reason_text(int reason)
{
    return reason == KWH_MARK_LOST ? _("Lost") : _("Replaced");
}

static void reload(struct app *a, struct lost *s)
{
    struct kwh_err e;

    free(s->m);
    s->m = NULL;
    s->n = 0;
    kwh_err_clear(&e);
    if (card_marks_list(a->core, &a->s, &s->m, &s->n, &e) < 0)
        app_error(a, &e);
    s->l.n = (int)s->n;
    if (s->l.sel >= s->l.n)
        s->l.sel = s->l.n > 0 ? s->l.n - 1 : 0;
}

static void cell(void *ctx, int row, int col, char *buf, size_t n)
{
    const struct lost *s = ctx;
    const struct kwh_card_mark *m = &s->m[row];
    char b[32];

    switch (col) {
    case C_NO: snprintf(buf, n, "%08" PRIu32, m->customer_no); break;
    case C_NAME: snprintf(buf, n, "%s", m->customer_name); break;
    case C_REASON: snprintf(buf, n, "%s", reason_text(m->reason)); break;
    case C_MARKED: snprintf(buf, n, "%s", fmt_time(b, sizeof b, m->marked)); break;
    case C_TRIES: snprintf(buf, n, "%" PRId64, m->attempts); break;
    default:
        if (m->last_attempt == 0)
            snprintf(buf, n, "-");
        else
            period_format_day(m->last_attempt, buf, n);
    }
}

static void lost_enter(struct app *a, void *st, int arg)
{
    (void)arg;
    reload(a, st);
}

static void lost_draw(struct app *a, void *st)
{
    struct lost *s = st;

    cust_summary(a, &s->cc, UI_TOP);
    draw_text(stdscr, LIST_Y - 1, 2, COLS - 4,
              s->n == 0 ? _("The blacklist is empty: no card is reported lost or replaced.")
                        : _("Blacklist: cards refused at the counter (F6: a lost card found "
                            "again comes off it)"),
              theme_attr(CLR_INFO));
    list_draw(&s->l, LIST_Y, 2, list_h(), cols, C_N, cell, s, true);
}

static void report_lost(struct app *a, struct lost *s)
{
    struct kwh_err e;
    char q[512];

    if (!s->cc.have) {
        app_msg(a, CLR_ERROR, "%s", _("Find the customer (F3) first."));
        return;
    }
    snprintf(q, sizeof q,
             _("Report the card of customer %08" PRIu32 " %s lost? It is refused at the "
               "counter from now on, until a reissue (补卡) replaces it."),
             s->cc.c.customer_no, s->cc.c.name);
    if (!dialog_confirm(a, _("Report card lost"), q))
        return;
    kwh_err_clear(&e);
    if (card_mark_lost(a->core, &a->s, s->cc.c.customer_no, &e) < 0) {
        app_error(a, &e);
        return;
    }
    reload(a, s);
    app_msg(a, CLR_OK, _("The card of customer %08" PRIu32 " is on the blacklist."),
            s->cc.c.customer_no);
}

static void found(struct app *a, struct lost *s)
{
    const struct kwh_card_mark *m;
    struct kwh_err e;
    char q[256];
    uint32_t no;

    if (s->n == 0)
        return;
    m = &s->m[s->l.sel];
    no = m->customer_no;
    if (m->reason != KWH_MARK_LOST) {
        app_msg(a, CLR_WARN, "%s",
                _("A card a reissue replaced stays on the blacklist (wiping it takes it off)."));
        return;
    }
    snprintf(q, sizeof q,
             _("The card of customer %08" PRIu32 " %s was found: take it off the "
               "blacklist?"),
             no, m->customer_name);
    if (!dialog_confirm(a, _("Card found"), q))
        return;
    kwh_err_clear(&e);
    if (card_mark_found(a->core, &a->s, no, &e) < 0) {
        app_error(a, &e);
        return;
    }
    reload(a, s);
    app_msg(a, CLR_OK, _("The card of customer %08" PRIu32 " is off the blacklist."), no);
}

static int lost_action(struct app *a, void *st, int act)
{
    struct lost *s = st;

    switch (act) {
    case ACT_FIND: cust_find(a, &s->cc); return UI_HANDLED;
    case ACT_SUBMIT: report_lost(a, s); return UI_HANDLED;
    case ACT_DELETE: found(a, s); return UI_HANDLED;
    default: return UI_IGNORED;
    }
}

/* F6 only on a lost card, for an administrator (the core refuses a seller). */
static unsigned lost_actions(const struct app *a, void *st)
{
    const struct lost *s = st;
    unsigned m = ACT_BIT(ACT_FIND);

    if (s->n > 0 && s->m[s->l.sel].reason == KWH_MARK_LOST && app_is_admin(a))
        m |= ACT_BIT(ACT_DELETE);
    return m;
}

static int lost_key(struct app *a, void *st, int type, wint_t ch)
{
    struct lost *s = st;

    (void)a;
    return list_key(&s->l, list_h(), type, ch) | UI_REDRAW;
}

static void lost_leave(struct app *a, void *st)
{
    (void)a;
    free(((struct lost *)st)->m);
}

const struct screen scr_lost = {
    .title = N_("Report card lost"),
    .actions = ACT_BIT(ACT_FIND) | ACT_BIT(ACT_DELETE),
    .submit_label = N_("Report lost"),
    .actions_now = lost_actions,
    .keys_help = N_("F3: find the customer whose card is lost; Enter: report it lost (挂失): "
                    "the card is refused at the counter from then on, and a reissue (补卡) "
                    "gives the customer a new one\n"
                    "Up, Down: choose a card of the blacklist; F6: a card reported lost was "
                    "found again: it comes off the list (administrators)\n"
                    "A card a reissue replaced stays on the list until it is wiped"),
    .state_size = sizeof(struct lost),
    .enter = lost_enter,
    .draw = lost_draw,
    .action = lost_action,
    .key = lost_key,
    .leave = lost_leave,
};
