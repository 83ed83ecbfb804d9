/* SPDX-License-Identifier: Apache-2.0 */
/* 未完成写卡 (购电维护, admin): the card writes waiting for their card (`kwhpos pending
 * list`), and an administrator's way out for one whose card will not be read again
 * (`kwhpos pending cancel ID --reason`): Enter asks for the reason and cancels it. The
 * core decides: it refuses a seller, a write another terminal is carrying out, and one
 * the card in the reader shows (reading that card completes it); it audits the cancel. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kwhpos/core.h"
#include "kwhpos/model.h"
#include "kwhpos/util.h"
#include "ui/widgets.h"

#define LIST_ROWS 12

struct pending {
    struct kwh_pending_write *w;
    size_t n;
    struct list l;
};

static void reload(struct app *a, struct pending *s)
{
    struct kwh_err e;

    free(s->w);
    s->w = NULL;
    s->n = 0;
    kwh_err_clear(&e);
    if (pending_list(a->core, &s->w, &s->n, &e) < 0)
        app_error(a, &e);
    s->l.n = (int)s->n;
    if (s->l.sel >= s->l.n)
        s->l.sel = s->l.n - 1;
    if (s->l.sel < 0)
        s->l.sel = 0;
}

static void pending_enter(struct app *a, void *st, int arg)
{
    (void)arg;
    reload(a, st);
}

/* The card a write is for: its serial, or a blank card (no serial yet). */
static void card_text(const struct kwh_pending_write *w, char *buf, size_t n)
{
    if (w->blank_card && !w->touched)
        snprintf(buf, n, "%s", _("blank card"));
    else
        snprintf(buf, n, "%02x%02x%02x%02x%02x%02x", w->serial[0], w->serial[1], w->serial[2],
                 w->serial[3], w->serial[4], w->serial[5]);
}

static void short_time(char *buf, size_t n, int64_t t);

static void cell(void *ctx, int row, int col, char *buf, size_t n)
{
    const struct kwh_pending_write *w = &((struct pending *)ctx)->w[row];

    switch (col) {
    case 0: snprintf(buf, n, "%lld", (long long)w->op_id); break;
    case 1: snprintf(buf, n, "%s", model_op_label(w->kind)); break;
    case 2:
        if (w->customer_no != 0)
            snprintf(buf, n, "%08u", w->customer_no);
        else
            snprintf(buf, n, "-");
        break;
    case 3: snprintf(buf, n, "%s", w->customer_name); break;
    case 4: card_text(w, buf, n); break;
    case 5: short_time(buf, n, w->created); break;
    case 6: snprintf(buf, n, "%s", w->operator_name); break;
    default: snprintf(buf, n, "%s", w->station[0] != '\0' ? w->station : "-"); break;
    }
}

/* The list's time: month, day and the minute (the line under the list has the year). */
static void short_time(char *buf, size_t n, int64_t t)
{
    time_t tt = (time_t)t;
    struct tm tm;

    if (localtime_r(&tt, &tm) == NULL || strftime(buf, n, "%m-%d %H:%M", &tm) == 0)
        snprintf(buf, n, "-");
}

/* 77 columns from column 2: the station last, cut to its first characters (the line under
 * the list names it whole). */
static const struct list_col cols[] = {
    {N_("No."), 5, true},       {N_("Operation"), 10, false}, {N_("Account"), 8, false},
    {N_("Name"), 8, false},     {N_("Card"), 12, false},      {N_("Time"), 11, false},
    {N_("Operator"), 8, false}, {N_("Station"), 8, false},
};

static void pending_draw(struct app *a, void *st)
{
    struct pending *s = st;
    char money[32], line[256], when[32];

    (void)a;
    list_draw(&s->l, UI_TOP, 2, LIST_ROWS + 1, cols, (int)KWH_ARRAY_LEN(cols), cell, s, true);
    if (s->n == 0) {
        draw_text(stdscr, UI_TOP + 2, 4, COLS - 8, _("No card write is pending."),
                  theme_attr(CLR_OK));
    } else {
        const struct kwh_pending_write *w = &s->w[s->l.sel];
        if (w->has_sale)
            snprintf(line, sizeof line, _("Card write %lld carries a sale of %s yuan."),
                     (long long)w->op_id, fmt_money(money, sizeof money, w->amount_fen));
        else
            snprintf(line, sizeof line, _("Card write %lld moves no money."), (long long)w->op_id);
        draw_text(stdscr, UI_TOP + LIST_ROWS + 2, 2, COLS - 4, line, theme_attr(CLR_INFO));
        fmt_time(when, sizeof when, w->created);
        if (w->station[0] != '\0')
            snprintf(line, sizeof line, _("Recorded at station %s on %s by %s."), w->station, when,
                     w->operator_name);
        else
            snprintf(line, sizeof line, _("Recorded on %s by %s (the station was not kept)."), when,
                     w->operator_name);
        draw_text(stdscr, UI_TOP + LIST_ROWS + 3, 2, COLS - 4, line, theme_attr(CLR_INFO));
    }
    draw_wrap(stdscr, UI_TOP + LIST_ROWS + 4, 2, COLS - 4,
              _("Reading its card settles a write by itself. Cancel one (Enter, with the "
                "reason) only when its card will not be read again; a card in the reader that "
                "shows the write stops the cancel."),
              theme_attr(CLR_INFO), 3);
}

static int cancel_selected(struct app *a, struct pending *s)
{
    struct field f[1] = {{.label = N_("Reason"),
                          .kind = FK_TEXT,
                          .row = 0,
                          .maxlen = 60, /* characters: the core keeps 200 bytes */
                          .width = 40,
                          .required = true}};
    const struct kwh_pending_write *w = &s->w[s->l.sel];
    struct kwh_pending_cancel r;
    char title[96], q[512], card[40];
    long long id = (long long)w->op_id;
    struct kwh_err e;

    snprintf(title, sizeof title, _("Cancel card write %lld"), id);
    if (!dialog_form(a, title, f, 1))
        return UI_HANDLED;
    card_text(w, card, sizeof card);
    snprintf(q, sizeof q,
             _("Cancel card write %lld (%s, card %s)? It becomes void: a sale with it is not "
               "counted. Only do this when the card will not be read again."),
             id, model_op_label(w->kind), card);
    if (!dialog_confirm(a, title, q)) {
        app_msg(a, CLR_INFO, "%s", _("Cancelled; nothing was written."));
        return UI_HANDLED;
    }
    kwh_err_clear(&e);
    if (pending_cancel(a->core, &a->s, w->op_id, form_text(&(const struct form){.f = f, .n = 1}, 0),
                       &r, &e) < 0) {
        app_error(a, &e);
        reload(a, s);
        return UI_HANDLED;
    }
    if (r.by_card)
        app_msg(a, CLR_OK,
                _("Card write %lld: its card in the reader does not hold it; it is cancelled "
                  "and the card tidied up."),
                id);
    else
        app_msg(a, CLR_OK, _("Card write %lld cancelled; the reason is in the audit log."), id);
    reload(a, s);
    return UI_HANDLED;
}

static int pending_action(struct app *a, void *st, int act)
{
    struct pending *s = st;

    if (act != ACT_SUBMIT)
        return UI_IGNORED;
    if (s->n == 0)
        return UI_HANDLED;
    return cancel_selected(a, s);
}

static const char *pending_submit(struct app *a, void *st)
{
    (void)a;
    return ((struct pending *)st)->n > 0 ? N_("Cancel the write") : NULL;
}

static int pending_key(struct app *a, void *st, int type, wint_t ch)
{
    (void)a;
    return list_key(&((struct pending *)st)->l, LIST_ROWS + 1, type, ch);
}

static void pending_leave(struct app *a, void *st)
{
    (void)a;
    free(((struct pending *)st)->w);
}

const struct screen scr_pending = {
    .title = N_("Pending card writes"),
    .submit_label = N_("Cancel the write"),
    .submit_now = pending_submit,
    .keys_help = N_("Up, Down, PgUp, PgDn, Home, End: choose a card write"),
    .state_size = sizeof(struct pending),
    .enter = pending_enter,
    .draw = pending_draw,
    .action = pending_action,
    .key = pending_key,
    .leave = pending_leave,
};
