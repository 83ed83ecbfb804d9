/* SPDX-License-Identifier: Apache-2.0 */
/* 购电电量查询 (M21): the purchases of a period (时段), or a report with a row per day
 * (日报表) or per month (月报表); filters date, operator, customer number, name and meter
 * number, each behind its own box; none ticked = today (this month for 月报表). The
 * figures are those of `kwhpos query sales` and `kwhpos report daily|monthly`. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "kwhpos/util.h"
#include "ui/parts.h"
#include "ui/area_pick.h"
#include "ui/qview.h"
#include "kwhpos/core.h"
#include "kwhpos/query.h"

enum { F_MODE, F_FROM, F_TO, F_OPER, F_NO, F_NAME, F_METER, F_AREA, F_N };
enum { MODE_LIST, MODE_DAY, MODE_MONTH };

static const char *const mode_items[] = {N_("Period list"), N_("Daily report"),
                                         N_("Monthly report")};

struct qsales {
    struct qview q; /* first: the qview_screen_* callbacks */
    struct field f[F_N];
    int mode; /* of the last query */
    struct kwh_sale_filter filter;
    struct kwh_sale_page page;      /* MODE_LIST */
    struct kwh_sales_report report; /* MODE_DAY, MODE_MONTH */
    const struct kwh_sale *cur;     /* the row being printed or exported */
    const char *split_label;        /* a by-kind or by-payment line being printed */
    const struct kwh_sale_totals *split;
    struct area_pick ap;
};

/* --- the purchases of a period ---------------------------------------------------------- */

enum { L_TIME, L_NO, L_NAME, L_KIND, L_KWH, L_AMOUNT, L_OPER };

static const struct list_col list_cols[] = {
    {N_("Time"), 16, false},    {N_("Cust. no."), 9, false}, {N_("Name"), 8, false},
    {N_("Kind"), 10, false},    {N_("kWh"), 9, true},        {N_("Amount"), 9, true},
    {N_("Operator"), 8, false},
};

static void sale_cell(const struct kwh_sale *v, int col, char *buf, size_t n)
{
    char b[32];

    switch (col) {
    case L_TIME: snprintf(buf, n, "%s", fmt_time(b, sizeof b, v->created)); break;
    case L_NO: snprintf(buf, n, "%08" PRIu32, v->customer_no); break;
    case L_NAME: snprintf(buf, n, "%s", v->customer_name); break;
    case L_KIND: snprintf(buf, n, "%s", model_op_label(v->kind)); break;
    case L_KWH: snprintf(buf, n, "%s", fmt_energy(b, sizeof b, v->energy_ckwh)); break;
    case L_AMOUNT: snprintf(buf, n, "%s", fmt_money(b, sizeof b, v->amount_fen)); break;
    default: snprintf(buf, n, "%s", v->operator_name); break;
    }
}

static void list_cell(void *ctx, int row, int col, char *buf, size_t n)
{
    struct qsales *s = ctx;
    const struct kwh_sale_totals *t = &s->page.totals;

    if (row != QV_TOTAL) {
        sale_cell(s->cur != NULL ? s->cur : &s->page.rows[row], col, buf, n);
        return;
    }
    if (col == L_TIME)
        snprintf(buf, n, _("Total %" PRId64), t->count);
    else if (col == L_KWH)
        fmt_energy(buf, n, t->energy_ckwh);
    else if (col == L_AMOUNT)
        fmt_money(buf, n, t->amount_fen);
}

/* --- the reports ------------------------------------------------------------------------ */

enum { R_DATE, R_COUNT, R_KWH, R_ADJ, R_FREE, R_AMOUNT, R_FEE };

static const struct list_col report_cols[] = {
    {N_("Date"), 14, false},      {N_("Count"), 6, true},    {N_("kWh"), 11, true},
    {N_("Adjust kWh"), 10, true}, {N_("Free kWh"), 9, true}, {N_("Amount"), 11, true},
    {N_("Fees"), 8, true},
};

static void totals_cell(const struct kwh_sale_totals *t, int col, char *buf, size_t n)
{
    switch (col) {
    case R_COUNT: snprintf(buf, n, "%" PRId64, t->count); break;
    case R_KWH: fmt_energy(buf, n, t->energy_ckwh); break;
    case R_ADJ: fmt_energy(buf, n, t->adjust_ckwh); break;
    case R_FREE: fmt_energy(buf, n, t->free_ckwh); break;
    case R_AMOUNT: fmt_money(buf, n, t->amount_fen); break;
    case R_FEE: fmt_money(buf, n, t->fee_fen); break;
    default: break;
    }
}

static void report_cell(void *ctx, int row, int col, char *buf, size_t n)
{
    struct qsales *s = ctx;
    const struct kwh_sales_report *r = &s->report;

    if (s->split != NULL) {
        if (col == R_DATE)
            snprintf(buf, n, "%s", s->split_label);
        else
            totals_cell(s->split, col, buf, n);
    } else if (row == QV_TOTAL) {
        if (col == R_DATE)
            snprintf(buf, n, "%s", _("Total"));
        else
            totals_cell(&r->totals, col, buf, n);
    } else if (col == R_DATE) {
        if (r->group == KWH_GROUP_MONTH)
            period_format_month(r->rows[row].period.from, buf, n);
        else
            period_format_day(r->rows[row].period.from, buf, n);
    } else {
        totals_cell(&r->rows[row].t, col, buf, n);
    }
}

/* --- loading ---------------------------------------------------------------------------- */

static const struct qview_ops list_ops, report_ops;

static int build_filter(struct app *a, struct qsales *s, struct kwh_err *e)
{
    struct kwh_sale_filter *f = &s->filter;
    const struct form *fm = &s->q.fm;
    int rc;

    memset(f, 0, sizeof *f);
    if ((rc = qview_period(a, &s->q, &f->period, e)) < 0)
        return rc;
    f->by_date = rc == 1;
    if (!f->by_date && s->mode == MODE_MONTH) {
        f->by_date = true;
        f->period = period_month(core_now(a->core));
    }
    f->by_operator = s->f[F_OPER].on;
    str_copy(f->operator_name, sizeof f->operator_name, form_text(fm, F_OPER));
    f->by_customer_no = s->f[F_NO].on;
    f->customer_no = (uint32_t)form_value(fm, F_NO);
    f->by_name = s->f[F_NAME].on;
    str_copy(f->name, sizeof f->name, form_text(fm, F_NAME));
    f->by_meter_no = s->f[F_METER].on;
    f->meter_no = (uint32_t)form_value(fm, F_METER);
    f->by_area = s->f[F_AREA].on;
    f->area_id = area_pick_id(&s->ap, &s->f[F_AREA]);
    return 0;
}

static void set_info(struct qsales *s, const struct kwh_period *p, const struct kwh_sale_totals *t)
{
    char from[32], to[32], b1[32], b2[32], b3[32];

    snprintf(s->q.info, sizeof s->q.info, _("%s - %s  adjust %s  free %s kWh  fees %s"),
             fmt_time(from, sizeof from, p->from), qview_period_end(p->to, to, sizeof to),
             fmt_energy(b1, sizeof b1, t->adjust_ckwh), fmt_energy(b2, sizeof b2, t->free_ckwh),
             fmt_money(b3, sizeof b3, t->fee_fen));
}

static int load(struct app *a, void *st, struct kwh_err *e)
{
    struct qsales *s = st;
    int rc;

    if (s->q.offset == 0) {
        s->mode = s->f[F_MODE].sel;
        if ((rc = build_filter(a, s, e)) < 0)
            return rc;
    }
    query_sale_page_fini(&s->page);
    report_sales_fini(&s->report);
    s->q.ops = s->mode == MODE_LIST ? &list_ops : &report_ops;
    if (s->mode == MODE_LIST) {
        s->filter.limit = s->q.page;
        s->filter.offset = s->q.offset;
        if ((rc = query_sales(a->core, &a->s, &s->filter, &s->page, e)) < 0)
            return rc;
        s->q.l.n = (int)s->page.n;
        s->q.total = s->page.totals.count;
        set_info(s, &s->page.period, &s->page.totals);
        return 0;
    }
    rc = report_sales(a->core, &a->s, &s->filter,
                      s->mode == MODE_DAY ? KWH_GROUP_DAY : KWH_GROUP_MONTH, &s->report, e);
    if (rc < 0)
        return rc;
    s->q.l.n = (int)s->report.n;
    s->q.total = (int64_t)s->report.n;
    set_info(s, &s->report.period, &s->report.totals);
    return 0;
}

/* --- Enter ------------------------------------------------------------------------------ */

static void open_sale(struct app *a, void *st, int row)
{
    sale_details(a, &((struct qsales *)st)->page.rows[row]);
}

#define NSPLIT (KWH_OP_KINDS + KWH_PAY_COUNT)

/* Line i of the report's split: by kind of sale, then by payment method. */
static const struct kwh_sale_totals *split_at(const struct kwh_sales_report *r, int i,
                                              const char **label)
{
    if (i < KWH_OP_KINDS) {
        *label = model_op_label(i);
        return &r->by_kind[i];
    }
    *label = model_pay_label(i - KWH_OP_KINDS);
    return &r->by_pay[i - KWH_OP_KINDS];
}

/* Enter: the whole report by kind of sale and by payment method. */
static void open_report(struct app *a, void *st, int row)
{
    const struct kwh_sales_report *r = &((struct qsales *)st)->report;
    struct pairs p = {0};

    (void)row;
    for (int i = 0; i < NSPLIT; i++) {
        const char *label;
        const struct kwh_sale_totals *t = split_at(r, i, &label);
        char b1[32], b2[32];
        if (t->count > 0)
            pairs_add(&p, label, _("%" PRId64 " purchases, %s kWh, %s yuan"), t->count,
                      fmt_energy(b1, sizeof b1, t->energy_ckwh),
                      fmt_money(b2, sizeof b2, t->amount_fen + t->fee_fen));
    }
    if (p.n == 0) {
        app_msg(a, CLR_INFO, "%s", _("No purchases in this period."));
        return;
    }
    dialog_pairs(a, _("By kind and by payment"), &p, NULL);
}

/* --- printing and export ---------------------------------------------------------------- */

struct each_ctx {
    struct qsales *s;
    struct table_sink *k;
};

static int each_sale(void *ctx, const struct kwh_sale *v)
{
    struct each_ctx *x = ctx;

    x->s->cur = v;
    return table_sink_row(x->k, list_cell, x->s, 0);
}

static int list_rows(struct app *a, void *ctx, struct table_sink *k, struct kwh_err *e)
{
    struct qsales *s = ctx;
    struct kwh_sale_filter f = s->filter;
    struct each_ctx x = {s, k};
    int rc;

    f.limit = 0;
    f.offset = 0;
    rc = query_sales_each(a->core, &a->s, &f, each_sale, &x, e);
    s->cur = NULL;
    if (rc < 0)
        return rc;
    table_sink_row(k, list_cell, s, QV_TOTAL);
    return 0;
}

static int report_rows(struct app *a, void *ctx, struct table_sink *k, struct kwh_err *e)
{
    struct qsales *s = ctx;
    const struct kwh_sales_report *r = &s->report;

    (void)a;
    (void)e;
    for (size_t i = 0; i < r->n; i++)
        table_sink_row(k, report_cell, s, (int)i);
    table_sink_row(k, report_cell, s, QV_TOTAL);
    for (int i = 0; i < NSPLIT; i++) {
        s->split = split_at(r, i, &s->split_label);
        if (s->split->count > 0)
            table_sink_row(k, report_cell, s, 0);
    }
    s->split = NULL;
    return 0;
}

static void table(struct app *a, void *st, bool print, struct table_src *t)
{
    struct qsales *s = st;

    (void)a;
    (void)print;
    t->ctx = st;
    t->subtitle = s->q.info;
    if (s->mode == MODE_LIST) {
        t->name = "sales";
        t->title = _("Purchase records");
        t->cols = list_cols;
        t->ncols = (int)KWH_ARRAY_LEN(list_cols);
        t->rows = list_rows;
    } else {
        t->name = s->mode == MODE_DAY ? "daily" : "monthly";
        t->title = _(mode_items[s->mode]);
        t->cols = report_cols;
        t->ncols = (int)KWH_ARRAY_LEN(report_cols);
        t->rows = report_rows;
    }
}

static const struct qview_ops list_ops = {
    .cols = list_cols,
    .ncols = (int)KWH_ARRAY_LEN(list_cols),
    .totals = true,
    .cell = list_cell,
    .load = load,
    .open = open_sale,
    .open_label = N_("Show"),
    .table = table,
};

static const struct qview_ops report_ops = {
    .cols = report_cols,
    .ncols = (int)KWH_ARRAY_LEN(report_cols),
    .totals = true,
    .cell = report_cell,
    .load = load,
    .open = open_report,
    .open_label = N_("By kind"),
    .table = table,
};

/* --- the screen ------------------------------------------------------------------------- */

static void qsales_enter(struct app *a, void *st, int arg)
{
    struct qsales *s = st;

    (void)arg;
    s->f[F_MODE] = (struct field){.label = N_("Report"),
                                  .kind = FK_CHOICE,
                                  .row = 0,
                                  .items = mode_items,
                                  .nitems = 3,
                                  .width = 18};
    qview_period_fields(&s->f[F_FROM], &s->f[F_TO], 1, 0);
    s->f[F_OPER] = qview_operator_field(0, 1);
    s->f[F_NO] = (struct field){.label = N_("Cust. no."),
                                .kind = FK_DIGITS,
                                .row = 1,
                                .col = 1,
                                .maxlen = 9,
                                .check = true};
    s->f[F_NAME] = (struct field){
        .label = N_("Name"), .kind = FK_TEXT, .row = 2, .col = 1, .maxlen = 40, .check = true};
    s->f[F_METER] = (struct field){.label = N_("Meter no."),
                                   .kind = FK_DIGITS,
                                   .row = 3,
                                   .col = 1,
                                   .minlen = 8,
                                   .maxlen = 8,
                                   .check = true};
    s->f[F_AREA] = (struct field){.label = N_("Area"), .row = 4, .check = true};
    area_pick_load(a, &s->ap, &s->f[F_AREA], 0);
    qview_init(&s->q, &list_ops, s, s->f, F_N, 5);
    qview_dates(&s->q, F_FROM, F_TO);
    form_focus(&s->q.fm, F_FROM);
}

static void qsales_leave(struct app *a, void *st)
{
    struct qsales *s = st;

    (void)a;
    query_sale_page_fini(&s->page);
    report_sales_fini(&s->report);
    area_pick_fini(&s->ap);
}

const struct screen scr_query_sales = {
    .title = N_("Purchase records"),
    .actions = QVIEW_ACTIONS,
    .submit_label = N_("Find"),
    .submit_now = qview_screen_submit,
    .state_size = sizeof(struct qsales),
    .enter = qsales_enter,
    .draw = qview_screen_draw,
    .action = qview_screen_action,
    .key = qview_screen_key,
    .leave = qsales_leave,
};
