/* SPDX-License-Identifier: Apache-2.0 */
/* 区域统计 (SPEC B10, issue 14 §1): the per-area breakdown one level at a time, as a site
 * manager walks the tree: a row per area inside the chosen one (each with everything
 * below it), the accounts directly in the chosen area apart, the area's total under the
 * list; for a period (default today) and optionally one operator's sales. Enter goes
 * into an area (or shows a row's figures when nothing is below it), Backspace back up.
 * The figures and the scope are the core's (report_area_children). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kwhpos/core.h"
#include "kwhpos/oversight.h"
#include "kwhpos/query.h"
#include "kwhpos/util.h"
#include "ui/area_pick.h"
#include "ui/qview.h"

enum { F_AREA, F_OPER, F_FROM, F_TO, F_N };
enum { C_AREA, C_ACCOUNTS, C_SALES, C_KWH, C_AMOUNT, C_BALANCE, C_ARREARS, C_N };
enum { X_AREA, X_ACCOUNTS, X_SALES, X_KWH, X_AMOUNT, X_FEE, X_BAL_KWH, X_BAL_YUAN, X_ARREARS };

struct qareas {
    struct qview q; /* first: the qview_screen_* callbacks */
    struct field f[F_N];
    struct area_pick ap;
    struct kwh_area_row *rows; /* the level shown (owned) */
    size_t n;
    struct kwh_area_row total;
    int64_t area; /* the area shown (0: the top of the operator's areas) */
    char period[96];
    int cur; /* the row being exported, or -1 */
};

static const struct list_col cols[C_N] = {
    {N_("Area"), 14, false},    {N_("Accounts"), 8, true}, {N_("Sales"), 6, true},
    {N_("kWh sold"), 10, true}, {N_("Amount"), 10, true},  {N_("Balance kWh"), 11, true},
    {N_("Arrears"), 9, true},
};

static const struct list_col export_cols[] = {
    {N_("Area"), 20, false},       {N_("Accounts"), 8, true},        {N_("Sales"), 6, true},
    {N_("kWh sold"), 10, true},    {N_("Amount"), 10, true},         {N_("All fees"), 8, true},
    {N_("Balance kWh"), 11, true}, {N_("Balance (yuan)"), 11, true}, {N_("Arrears"), 9, true},
};

/* The row's area as listed: its name under the area shown, its whole name at the top
 * of a limited operator's areas, "(in AREA itself)" for the accounts directly in it. */
static void row_name(const struct qareas *s, const struct kwh_area_row *r, bool whole, char *buf,
                     size_t n)
{
    const char *title = r->area.depth == 0 ? _("(whole site)") : r->area.title;

    if (r->own)
        snprintf(buf, n, _("(%s itself)"), r->area.depth == 0 ? _("the site") : r->area.name);
    else if (whole || s->area == 0)
        snprintf(buf, n, "%s", title);
    else
        snprintf(buf, n, "%s", r->area.name);
}

static const struct kwh_area_row *row_at(const struct qareas *s, int row)
{
    return row == QV_TOTAL ? &s->total : &s->rows[row];
}

static void figure(const struct kwh_area_row *r, int col, char *buf, size_t n)
{
    switch (col) {
    case X_ACCOUNTS: snprintf(buf, n, "%" PRId64, r->accounts); break;
    case X_SALES: snprintf(buf, n, "%" PRId64, r->sales.count); break;
    case X_KWH: fmt_energy(buf, n, r->sales.energy_ckwh); break;
    case X_AMOUNT: fmt_money(buf, n, r->sales.amount_fen); break;
    case X_FEE: fmt_money(buf, n, r->sales.fee_fen); break;
    case X_BAL_KWH: fmt_energy(buf, n, r->balance_ckwh); break;
    case X_BAL_YUAN: fmt_money(buf, n, r->balance_fen); break;
    case X_ARREARS: fmt_money(buf, n, r->arrears_fen); break;
    default: buf[0] = '\0';
    }
}

static void cell(void *ctx, int row, int col, char *buf, size_t n)
{
    static const int x[C_N] = {X_AREA, X_ACCOUNTS, X_SALES, X_KWH, X_AMOUNT, X_BAL_KWH, X_ARREARS};
    struct qareas *s = ctx;
    const struct kwh_area_row *r = row_at(s, row);

    if (row == QV_TOTAL && col == C_AREA)
        snprintf(buf, n, "%s", _("Total"));
    else if (col == C_AREA)
        row_name(s, r, false, buf, n);
    else
        figure(r, x[col], buf, n);
}

static int load(struct app *a, void *st, struct kwh_err *e)
{
    struct qareas *s = st;
    struct kwh_area_q q = {0, NULL};
    struct kwh_period p;
    char from[32], to[32];
    const char *oper = form_text(&s->q.fm, F_OPER);
    int rc;

    if ((rc = qview_period(a, &s->q, &p, e)) < 0)
        return rc;
    if (rc == 0)
        p = period_day(core_now(a->core));
    q.area_id = area_pick_id(&s->ap, &s->f[F_AREA]);
    q.operator_name = s->f[F_OPER].on && oper[0] != '\0' ? oper : NULL;
    free(s->rows);
    s->rows = NULL;
    s->n = 0;
    if ((rc = report_area_children(a->core, &a->s, &p, &q, &s->rows, &s->n, &s->total, e)) < 0)
        return rc;
    s->area = q.area_id;
    snprintf(s->period, sizeof s->period, "%s - %s", fmt_time(from, sizeof from, p.from),
             qview_period_end(p.to, to, sizeof to));
    if (q.operator_name != NULL)
        snprintf(s->q.info, sizeof s->q.info, _("%s, %s, operator %s"),
                 area_pick_text(&s->ap, &s->f[F_AREA]), s->period, q.operator_name);
    else
        snprintf(s->q.info, sizeof s->q.info, _("%s, %s"), area_pick_text(&s->ap, &s->f[F_AREA]),
                 s->period);
    /* the whole level is one page: the tree's levels are short */
    s->q.total = (int64_t)s->n;
    s->q.l.n = (int)s->n;
    s->q.offset = 0;
    return 0;
}

static bool has_children(const struct qareas *s, int64_t id)
{
    for (int i = 0; i < s->ap.n; i++)
        if (s->ap.areas[i].parent_id == id)
            return true;
    return false;
}

static void show_row(struct app *a, const struct qareas *s, const struct kwh_area_row *r)
{
    static const char *const labels[] = {
        N_("Accounts"), N_("Sales"),       N_("kWh sold"),       N_("Amount"),
        N_("All fees"), N_("Balance kWh"), N_("Balance (yuan)"), N_("Arrears"),
    };
    struct pairs p = {0};
    char name[KWH_AREA_PATH_MAX + 32], b[32];

    row_name(s, r, true, name, sizeof name);
    pairs_add(&p, _("Period"), "%s", s->period);
    for (int i = 0; i < (int)KWH_ARRAY_LEN(labels); i++) {
        figure(r, X_ACCOUNTS + i, b, sizeof b);
        pairs_add(&p, _(labels[i]), "%s", b);
    }
    dialog_pairs(a, name, &p, NULL);
}

/* Enter: into the area (its areas inside it), or its figures when nothing is below. */
static void open_row(struct app *a, void *st, int row)
{
    struct qareas *s = st;
    const struct kwh_area_row *r = &s->rows[row];

    if (r->own || !has_children(s, r->area.id)) {
        show_row(a, s, r);
        return;
    }
    area_pick_select(&s->ap, &s->f[F_AREA], r->area.id);
    qview_run(a, &s->q);
}

/* Backspace: the level above (the top of the operator's areas past their own). */
static void up(struct app *a, struct qareas *s)
{
    int64_t parent = s->total.area.parent_id;
    int sel = s->f[F_AREA].sel;

    if (s->area == 0)
        return;
    area_pick_select(&s->ap, &s->f[F_AREA], parent);
    if (s->f[F_AREA].sel == sel || parent == 0)
        s->f[F_AREA].sel = 0; /* "all areas" */
    qview_run(a, &s->q);
}

static void export_cell(void *ctx, int row, int col, char *buf, size_t n)
{
    struct qareas *s = ctx;
    const struct kwh_area_row *r = s->cur < 0 ? &s->total : &s->rows[s->cur];

    (void)row;
    if (col == X_AREA && s->cur < 0)
        snprintf(buf, n, "%s", _("Total"));
    else if (col == X_AREA)
        row_name(s, r, true, buf, n);
    else
        figure(r, col, buf, n);
}

static int all_rows(struct app *a, void *ctx, struct table_sink *k, struct kwh_err *e)
{
    struct qareas *s = ctx;

    (void)a;
    (void)e;
    for (size_t i = 0; i <= s->n; i++) {
        s->cur = i < s->n ? (int)i : -1;
        if (table_sink_row(k, export_cell, s, 0) != 0)
            break;
    }
    s->cur = -1;
    return 0;
}

static void table(struct app *a, void *st, bool print, struct table_src *t)
{
    (void)a;
    (void)print;
    t->name = "areas";
    t->title = _("Figures by area");
    t->subtitle = ((struct qareas *)st)->q.info;
    t->ctx = st;
    t->cols = export_cols;
    t->ncols = (int)KWH_ARRAY_LEN(export_cols);
    t->rows = all_rows;
}

static const struct qview_ops ops = {
    .cols = cols,
    .ncols = C_N,
    .totals = true,
    .cell = cell,
    .load = load,
    .open = open_row,
    .open_label = N_("Open area"),
    .table = table,
};

static void qareas_enter(struct app *a, void *st, int arg)
{
    struct qareas *s = st;

    (void)arg;
    s->cur = -1;
    s->f[F_AREA] = (struct field){.label = N_("Area"), .row = 0, .col = 0};
    s->ap.all = true;
    area_pick_load(a, &s->ap, &s->f[F_AREA], 0);
    s->f[F_OPER] = qview_operator_field(1, 0);
    qview_period_fields(&s->f[F_FROM], &s->f[F_TO], 0, 1);
    qview_init(&s->q, &ops, s, s->f, F_N, 2);
    qview_dates(&s->q, F_FROM, F_TO);
    qview_run(a, &s->q);
}

static int qareas_key(struct app *a, void *st, int type, wint_t ch)
{
    struct qareas *s = st;

    if (s->q.on_list &&
        ((type == KEY_CODE_YES && ch == KEY_BACKSPACE) || (type == OK && (ch == 127 || ch == 8)))) {
        up(a, s);
        return UI_REDRAW;
    }
    return qview_key(a, &s->q, type, ch);
}

static void qareas_leave(struct app *a, void *st)
{
    struct qareas *s = st;

    (void)a;
    free(s->rows);
    s->rows = NULL;
    area_pick_fini(&s->ap);
}

const struct screen scr_query_areas = {
    .title = N_("Figures by area"),
    .actions = QVIEW_ACTIONS,
    .submit_label = N_("Find"),
    .submit_now = qview_screen_submit,
    .keys_help =
        N_("One row per area inside the one chosen, each with everything below it; the "
           "accounts directly in the chosen area on a row of their own; its total under "
           "the list\n"
           "Sales, kWh sold, Amount: the period's settled purchases (default today; an "
           "operator: only theirs); Balance kWh, Arrears: the accounts now\n"
           "Enter on a row: the areas inside it (or its figures when none); Backspace: "
           "the level above\n"
           "Left, Right: change the area; Tab: between the filters and the list\n"
           "F7 prints, F8 exports the level shown (with the balance in yuan and the fees)"),
    .state_size = sizeof(struct qareas),
    .enter = qareas_enter,
    .draw = qview_screen_draw,
    .action = qview_screen_action,
    .key = qareas_key,
    .leave = qareas_leave,
};
