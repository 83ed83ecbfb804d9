/* SPDX-License-Identifier: Apache-2.0 */
/* The frame of the query screens (数据查询): filters with their on/off boxes, F3 or
 * Enter to query, a paged list of the results with a totals line, Enter on a row, F7
 * to print and F8 to export the whole result. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "kwhpos/util.h"
#include "ui/qview.h"
#include "kwhpos/core.h"
#include "kwhpos/query.h"

void qview_init(struct qview *q, const struct qview_ops *ops, void *st, struct field *f, int nf,
                int filter_rows)
{
    memset(&q->l, 0, sizeof q->l);
    q->ops = ops;
    q->st = st;
    q->filter_rows = filter_rows;
    q->page = KWH_PAGE_DEFAULT;
    q->from_field = q->to_field = -1;
    form_init(&q->fm, f, nf, UI_TOP);
}

void qview_dates(struct qview *q, int from, int to)
{
    q->from_field = from;
    q->to_field = to;
}

const char *qview_period_end(int64_t to, char *buf, size_t n)
{
    return fmt_time(buf, n, to - 1);
}

void qview_period_fields(struct field *from, struct field *to, int row, int col)
{
    *from = (struct field){.label = N_("Date from"),
                           .kind = FK_TEXT,
                           .row = row,
                           .col = col,
                           .maxlen = 19,
                           .width = 17, /* "2026-12-04 13:18" whole, and the cursor after it */
                           .check = true};
    *to = (struct field){
        .label = N_("to"), .kind = FK_TEXT, .row = row + 1, .col = col, .maxlen = 19, .width = 17};
}

struct field qview_operator_field(int row, int col)
{
    return (struct field){.label = N_("Operator"),
                          .kind = FK_TEXT,
                          .row = row,
                          .col = col,
                          .maxlen = 30,
                          .check = true};
}

/* Rows: the line above the list, the list (header included), totals, the page line. */
static int info_y(const struct qview *q)
{
    return UI_TOP + q->filter_rows;
}

static int list_h(const struct qview *q)
{
    return UI_TOP + UI_ROWS - 2 - (info_y(q) + 1);
}

static bool load(struct app *a, struct qview *q)
{
    struct kwh_err e;

    kwh_err_clear(&e);
    app_msg(a, CLR_INFO, "%s", _("Searching..."));
    app_draw(a);
    if (q->ops->load(a, q->st, &e) < 0) {
        q->have = false;
        q->l.n = 0;
        q->total = 0;
        app_error(a, &e);
        return false;
    }
    q->have = true;
    a->msg[0] = '\0';
    return true;
}

int qview_period(struct app *a, const struct qview *q, struct kwh_period *p, struct kwh_err *e)
{
    int rc;

    if (q->from_field < 0 || !q->fm.f[q->from_field].on)
        return 0;
    rc = period_from_text(form_text(&q->fm, q->from_field), form_text(&q->fm, q->to_field),
                          core_now(a->core), p, e);
    return rc < 0 ? rc : 1;
}

void qview_held_page(struct qview *q, size_t n)
{
    size_t left = n > (size_t)q->offset ? n - (size_t)q->offset : 0;

    q->l.n = (int)(left < (size_t)q->page ? left : (size_t)q->page);
    q->total = (int64_t)n;
}

void qview_table(const struct qview *q, struct table_src *t, const char *name, const char *title,
                 int (*rows)(struct app *a, void *ctx, struct table_sink *k, struct kwh_err *e))
{
    t->name = name;
    t->title = title;
    t->subtitle = q->info;
    t->cols = q->ops->cols;
    t->ncols = q->ops->ncols;
    t->rows = rows;
    t->ctx = q->st;
}

void qview_run(struct app *a, struct qview *q)
{
    if (!form_validate(a, &q->fm)) {
        q->on_list = false;
        return;
    }
    q->offset = 0;
    q->l.sel = 0;
    q->l.top = 0;
    if (!load(a, q))
        return;
    q->on_list = q->l.n > 0;
    if (q->total == 0)
        app_msg(a, CLR_INFO, "%s", _("Nothing found."));
}

void qview_draw(struct app *a, struct qview *q)
{
    const struct qview_ops *o = q->ops;
    int y = info_y(q), h = list_h(q);
    char line[200];

    (void)a;
    if (q->info[0])
        draw_text(stdscr, y, 2, COLS - 4, q->info, theme_attr(CLR_INFO));
    list_draw(&q->l, y + 1, 2, h, o->cols, o->ncols, o->cell, q->st, q->on_list);
    if (q->have && o->totals && !q->open_ended)
        list_draw_row(y + 1 + h, 2, o->cols, o->ncols, o->cell, q->st, QV_TOTAL,
                      theme_attr(CLR_LIST_HEAD));
    if (q->have && q->open_ended && q->l.n > 0 && (q->offset > 0 || q->offset + q->l.n < q->total))
        snprintf(
            line, sizeof line,
            q->offset + q->l.n < q->total
                ? _("Rows %" PRId64 "-%" PRId64 ", more follow (PgDn/PgUp: next/previous page)")
                : _("Rows %" PRId64 "-%" PRId64 " (PgUp: previous page)"),
            q->offset + 1, q->offset + q->l.n);
    else if (q->have && q->total > 0 && q->total > q->l.n)
        snprintf(line, sizeof line,
                 _("Rows %" PRId64 "-%" PRId64 " of %" PRId64 " (PgDn/PgUp: next/previous page)"),
                 q->offset + 1, q->offset + q->l.n, q->total);
    else if (q->have)
        snprintf(line, sizeof line, _("%" PRId64 " rows. Tab: filters / list."), q->total);
    else
        snprintf(line, sizeof line, "%s",
                 _("Tick the filters to use (Space), then F3 or Enter. None ticked: all."));
    draw_text(stdscr, y + 2 + h, 2, COLS - 4, line, theme_attr(CLR_INFO));
    form_draw(&q->fm, !q->on_list);
}

const char *qview_submit(const struct qview *q)
{
    return q->on_list && q->ops->open != NULL ? q->ops->open_label : N_("Find");
}

static void output(struct app *a, struct qview *q, bool print)
{
    struct table_src t;

    if (!q->have || q->total == 0) {
        app_msg(a, CLR_WARN, "%s", _("Query first (F3): there is nothing to show yet."));
        return;
    }
    memset(&t, 0, sizeof t);
    q->ops->table(a, q->st, print, &t);
    if (print)
        table_print(a, &t);
    else
        table_export(a, &t);
}

int qview_action(struct app *a, struct qview *q, int act)
{
    switch (act) {
    case ACT_FIND: qview_run(a, q); return UI_HANDLED;
    case ACT_PRINT: output(a, q, true); return UI_HANDLED;
    case ACT_EXPORT: output(a, q, false); return UI_HANDLED;
    case ACT_SUBMIT:
        if (q->on_list && q->ops->open != NULL) {
            if (q->l.n > 0)
                q->ops->open(a, q->st, q->l.sel);
            return UI_HANDLED;
        }
        qview_run(a, q);
        return UI_HANDLED;
    default: return UI_IGNORED;
    }
}

/* Up/Down/PgUp/PgDn past the page's ends go to the neighbouring page. */
static int page_key(struct app *a, struct qview *q, int type, wint_t ch)
{
    int64_t to = q->offset;
    int sel = 0;

    if (type != KEY_CODE_YES)
        return UI_IGNORED;
    if ((ch == KEY_DOWN || ch == KEY_NPAGE) && q->l.sel >= q->l.n - 1 &&
        q->offset + q->l.n < q->total) {
        to = q->offset + q->l.n;
    } else if ((ch == KEY_UP || ch == KEY_PPAGE) && q->l.sel == 0 && q->offset > 0) {
        to = q->offset > q->page ? q->offset - q->page : 0;
        sel = (int)(q->offset - to) - 1;
    } else {
        return UI_IGNORED;
    }
    q->offset = to;
    q->l.top = 0;
    if (load(a, q))
        q->l.sel = sel;
    return UI_HANDLED;
}

static int last_editable(const struct form *fm)
{
    for (int i = fm->n - 1; i >= 0; i--)
        if (!fm->f[i].hidden && !fm->f[i].readonly && fm->f[i].kind != FK_INFO)
            return i;
    return -1;
}

int qview_key(struct app *a, struct qview *q, int type, wint_t ch)
{
    int r;

    if (q->on_list) {
        if ((type == OK && ch == '\t') || (type == KEY_CODE_YES && ch == KEY_BTAB)) {
            q->on_list = false;
            return UI_HANDLED;
        }
        if (page_key(a, q, type, ch) != UI_IGNORED)
            return UI_HANDLED;
        return list_key(&q->l, list_h(q), type, ch);
    }
    if (q->have && q->l.n > 0 &&
        ((type == OK && ch == '\t' && q->fm.cur == last_editable(&q->fm) && !q->fm.on_box) ||
         (type == KEY_CODE_YES && (ch == KEY_NPAGE || ch == KEY_PPAGE)))) {
        q->on_list = true;
        return UI_HANDLED;
    }
    r = form_key(a, &q->fm, type, ch);
    if (q->to_field >= 0 && q->fm.cur == q->to_field && q->fm.f[q->to_field].ed.len > 0)
        q->fm.f[q->from_field].on = true;
    return r;
}

void qview_screen_draw(struct app *a, void *st)
{
    qview_draw(a, st);
}

int qview_screen_action(struct app *a, void *st, int act)
{
    return qview_action(a, st, act);
}

int qview_screen_key(struct app *a, void *st, int type, wint_t ch)
{
    return qview_key(a, st, type, ch);
}

const char *qview_screen_submit(struct app *a, void *st)
{
    (void)a;
    return qview_submit(st);
}
