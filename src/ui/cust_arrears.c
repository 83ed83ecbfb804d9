/* SPDX-License-Identifier: Apache-2.0 */
/* 欠费 (docs/units.md): under 系统设置 the accounts that owe arrears and what they owe
 * together (Enter: the account's own screen); under 用户维护 one account's: what it
 * still owes, how it is recovered at a sale, its history (debts entered and waived with
 * their reasons, recoveries with their invoices), and an old debt entered or waived with
 * a reason (administrators; the core refuses others). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kwhpos/core.h"
#include "kwhpos/money.h"
#include "kwhpos/units.h"
#include "kwhpos/util.h"
#include "ui/parts.h"

/* --- 欠费 of the site ------------------------------------------------------------------ */

#define ALL_ROWS 15

struct owing {
    struct kwh_customer *c;
    size_t n;
    int64_t total_fen;
    struct list l;
};

static void owing_load(struct app *a, struct owing *s)
{
    struct kwh_err e;

    free(s->c);
    s->c = NULL;
    s->n = 0;
    kwh_err_clear(&e);
    if (arrears_accounts(a->core, &a->s, &s->c, &s->n, &s->total_fen, &e) < 0)
        app_error(a, &e);
    s->l.n = (int)s->n;
}

static void owing_enter(struct app *a, void *st, int arg)
{
    (void)arg;
    owing_load(a, st);
}

/* How an account's arrears are recovered, in words. */
static void rule_text(const struct kwh_customer *c, char *buf, size_t n)
{
    char b[32];

    if (c->recovery_mode == KWH_RECOVER_FIXED)
        snprintf(buf, n, _("%s yuan a sale"), fmt_money(b, sizeof b, c->recovery_value));
    else if (c->recovery_mode == KWH_RECOVER_PERCENT)
        snprintf(buf, n, _("%lld %% of a payment"), (long long)c->recovery_value);
    else
        snprintf(buf, n, "%s", _("the site's rule"));
}

static void owing_cell(void *ctx, int row, int col, char *buf, size_t n)
{
    const struct kwh_customer *c = &((struct owing *)ctx)->c[row];
    char b[32];

    switch (col) {
    case 0: snprintf(buf, n, "%08u", c->customer_no); break;
    case 1: snprintf(buf, n, "%s", c->name); break;
    case 2: snprintf(buf, n, "%08u", c->meter.meter_no); break;
    case 3: snprintf(buf, n, "%s", fmt_money(b, sizeof b, c->arrears_fen)); break;
    default: rule_text(c, buf, n); break;
    }
}

static void owing_draw(struct app *a, void *st)
{
    static const struct list_col cols[] = {
        {N_("Customer no."), 12, false},  {N_("Name"), 16, false},
        {N_("Meter no."), 10, false},     {N_("Owed (yuan)"), 12, true},
        {N_("Recovery rule"), 22, false},
    };
    struct owing *s = st;
    char b[32], line[160];

    (void)a;
    list_draw(&s->l, UI_TOP, 2, ALL_ROWS, cols, (int)KWH_ARRAY_LEN(cols), owing_cell, s, true);
    snprintf(line, sizeof line, _("%zu accounts owe %s yuan in all."), s->n,
             fmt_money(b, sizeof b, s->total_fen));
    draw_text(stdscr, UI_TOP + ALL_ROWS + 1, 2, COLS - 4, s->n > 0 ? line : _("No account owes."),
              theme_attr(CLR_INFO));
}

static int owing_action(struct app *a, void *st, int act)
{
    struct owing *s = st;

    if (act != ACT_SUBMIT || s->n == 0)
        return UI_IGNORED;
    app_open(a, &scr_arrears, (int)s->c[s->l.sel].customer_no);
    return UI_HANDLED;
}

static int owing_key(struct app *a, void *st, int type, wint_t ch)
{
    (void)a;
    return list_key(&((struct owing *)st)->l, ALL_ROWS, type, ch);
}

static const char *owing_submit_now(struct app *a, void *st)
{
    (void)a;
    return ((struct owing *)st)->n > 0 ? N_("Arrears history") : NULL;
}

static void owing_leave(struct app *a, void *st)
{
    (void)a;
    free(((struct owing *)st)->c);
}

const struct screen scr_arrears_all = {
    .title = N_("Arrears"),
    .submit_label = N_("Arrears history"),
    .submit_now = owing_submit_now,
    .keys_help = N_("↑/↓, PgUp/PgDn: choose an account; Enter: its arrears and history"),
    .state_size = sizeof(struct owing),
    .enter = owing_enter,
    .draw = owing_draw,
    .action = owing_action,
    .key = owing_key,
    .leave = owing_leave,
};

/* --- 欠费 of an account ---------------------------------------------------------------- */

#define HIST_ROW (UI_TOP + 4)
#define HIST_ROWS 8
#define FORM_ROW (HIST_ROW + HIST_ROWS + 1)

enum { F_WHAT, F_AMOUNT, F_REASON, F_N };

static const char *const whats[] = {N_("Enter an old debt"), N_("Waive part of it")};

struct arrears {
    struct cust_ctx cc;
    struct kwh_arrears_line *h;
    size_t nh;
    struct list l;
    struct field f[F_N];
    struct form fm;
};

static void history_load(struct app *a, struct arrears *s)
{
    struct kwh_err e;

    free(s->h);
    s->h = NULL;
    s->nh = 0;
    kwh_err_clear(&e);
    if (s->cc.have && arrears_history(a->core, &a->s, s->cc.c.customer_no, &s->h, &s->nh, &e) < 0)
        app_error(a, &e);
    s->l.n = (int)s->nh;
    s->l.sel = s->l.n - 1; /* the newest */
}

static void arrears_enter(struct app *a, void *st, int arg)
{
    struct arrears *s = st;
    struct kwh_err e;

    s->f[F_WHAT] = (struct field){.label = N_("Entry"),
                                  .kind = FK_CHOICE,
                                  .row = 0,
                                  .items = whats,
                                  .nitems = (int)KWH_ARRAY_LEN(whats)};
    s->f[F_AMOUNT] = (struct field){.label = N_("Amount (yuan)"),
                                    .kind = FK_MONEY,
                                    .row = 0,
                                    .col = 1,
                                    .required = true,
                                    .imax = UNITS_MAX_FEN,
                                    .width = 12};
    s->f[F_REASON] = (struct field){
        .label = N_("Reason"), .kind = FK_TEXT, .row = 1, .required = true, .maxlen = 60};
    form_init(&s->fm, s->f, F_N, FORM_ROW);
    if (arg > 0) { /* from the site's list */
        kwh_err_clear(&e);
        if (account_lookup(a->core, &a->s, (uint32_t)arg, 0, &s->cc.c, &e) < 0) {
            app_error(a, &e);
            return;
        }
        s->cc.have = true;
        history_load(a, s);
    }
}

static const char *what_text(const char *what)
{
    if (strcmp(what, "entered") == 0)
        return _("Entered");
    if (strcmp(what, "waived") == 0)
        return _("Waived");
    if (strcmp(what, "recovered") == 0)
        return _("Recovered");
    if (strcmp(what, "reversed") == 0)
        return _("Reversed");
    if (strcmp(what, "carried") == 0)
        return _("Carried");
    return what;
}

static void hist_cell(void *ctx, int row, int col, char *buf, size_t n)
{
    const struct kwh_arrears_line *h = &((struct arrears *)ctx)->h[row];
    char b[32];

    switch (col) {
    case 0: snprintf(buf, n, "%s", fmt_time(b, sizeof b, h->created)); break;
    case 1: snprintf(buf, n, "%s", what_text(h->what)); break;
    case 2: snprintf(buf, n, "%s", fmt_money(b, sizeof b, h->fen)); break;
    case 3:
        if (h->invoice_no > 0)
            snprintf(buf, n, _("invoice %lld"), (long long)h->invoice_no);
        else
            snprintf(buf, n, "%s", h->reason);
        break;
    default: snprintf(buf, n, "%s", h->operator_name); break;
    }
}

static void arrears_draw(struct app *a, void *st)
{
    static const struct list_col cols[] = {
        {N_("Time"), 16, false},   {N_("What"), 8, false},      {N_("Yuan"), 10, true},
        {N_("Reason"), 26, false}, {N_("Operator"), 12, false},
    };
    struct arrears *s = st;
    char b[32], rule[64], line[200];

    cust_summary(a, &s->cc, UI_TOP);
    if (!s->cc.have) {
        draw_text(stdscr, UI_TOP + 2, 2, COLS - 4,
                  _("Read the card (F2) or find the customer (F3)."), theme_attr(CLR_INFO));
        return;
    }
    rule_text(&s->cc.c, rule, sizeof rule);
    snprintf(line, sizeof line, _("Still owed: %s yuan. Recovered at a sale: %s."),
             fmt_money(b, sizeof b, s->cc.c.arrears_fen), rule);
    draw_text(stdscr, UI_TOP + 2, 2, COLS - 4, line,
              theme_attr(s->cc.c.arrears_fen > 0 ? CLR_WARN : CLR_INFO));
    list_draw(&s->l, HIST_ROW, 2, HIST_ROWS, cols, (int)KWH_ARRAY_LEN(cols), hist_cell, s, false);
    if (s->nh == 0)
        draw_text(stdscr, HIST_ROW + 1, 2, COLS - 4, _("No arrears yet."), theme_attr(CLR_INFO));
    form_draw(&s->fm, true);
}

static int arrears_submit(struct app *a, struct arrears *s)
{
    struct kwh_err e;
    bool waive = s->f[F_WHAT].sel == 1;
    int64_t fen;
    char b[32], q[400];

    if (!cust_form_ready(a, &s->cc, &s->fm,
                         _("Read the card (F2) or find the customer (F3) first.")))
        return UI_HANDLED;
    fen = form_value(&s->fm, F_AMOUNT);
    if (fen <= 0) {
        app_msg(a, CLR_ERROR, "%s", _("Amount (yuan) must be more than 0"));
        s->fm.cur = F_AMOUNT;
        return UI_HANDLED;
    }
    snprintf(q, sizeof q,
             waive ? _("Waive %s yuan of the arrears of %s (%08u)?\n\nReason: %s")
                   : _("Enter a debt of %s yuan for %s (%08u)?\n\nReason: %s"),
             fmt_money(b, sizeof b, fen), s->cc.c.name, s->cc.c.customer_no,
             form_text(&s->fm, F_REASON));
    if (!dialog_confirm(a, waive ? _("Waive arrears") : _("Enter arrears"), q)) {
        app_msg(a, CLR_INFO, "%s", _("Cancelled; nothing was saved."));
        return UI_HANDLED;
    }
    kwh_err_clear(&e);
    if (arrears_add(a->core, &a->s, s->cc.c.customer_no, waive ? -fen : fen,
                    form_text(&s->fm, F_REASON), &e) < 0) {
        app_error(a, &e);
        return UI_HANDLED;
    }
    cust_reload(a, &s->cc);
    history_load(a, s);
    form_set_text(&s->fm, F_AMOUNT, "");
    form_set_text(&s->fm, F_REASON, "");
    app_msg(a, CLR_OK, _("Saved. %s still owes %s yuan."), s->cc.c.name,
            fmt_money(b, sizeof b, s->cc.c.arrears_fen));
    return UI_HANDLED;
}

static int arrears_action(struct app *a, void *st, int act)
{
    struct arrears *s = st;
    bool found;

    switch (act) {
    case ACT_READ:
    case ACT_FIND:
        found = act == ACT_READ ? cust_read_card(a, &s->cc) : cust_find(a, &s->cc);
        history_load(a, s);
        if (found)
            form_focus(&s->fm, F_WHAT);
        return UI_HANDLED;
    case ACT_SUBMIT: return arrears_submit(a, s);
    default: return UI_IGNORED;
    }
}

static int arrears_key(struct app *a, void *st, int type, wint_t ch)
{
    struct arrears *s = st;

    /* PgUp/PgDn scroll the history; the other keys are the form's */
    if (type == KEY_CODE_YES && (ch == KEY_PPAGE || ch == KEY_NPAGE))
        return list_key(&s->l, HIST_ROWS, type, ch) | UI_REDRAW;
    return cust_form_key(a, &s->cc, &s->fm, type, ch,
                         _("Read the card (F2) or find the customer (F3) first."));
}

static void arrears_leave(struct app *a, void *st)
{
    (void)a;
    free(((struct arrears *)st)->h);
}

const struct screen scr_arrears = {
    .title = N_("Arrears of an account"),
    .actions = ACT_BIT(ACT_READ) | ACT_BIT(ACT_FIND),
    .submit_label = N_("Save"),
    .state_size = sizeof(struct arrears),
    .enter = arrears_enter,
    .draw = arrears_draw,
    .action = arrears_action,
    .key = arrears_key,
    .leave = arrears_leave,
};
