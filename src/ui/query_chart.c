/* SPDX-License-Identifier: Apache-2.0 */
/* 售电图表 (issue 14 §4): money or kWh sold per day over the last 30 days or per month
 * over the last 12, for the whole site, an area or an operator, as bars of block
 * characters in eighths of a row. The bars are shapes, not colours: they read in
 * monochrome. The series is the core's (chart_sales), the arithmetic chart.c's. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "kwhpos/chart.h"
#include "kwhpos/oversight.h"
#include "kwhpos/query.h"
#include "kwhpos/util.h"
#include "ui/area_pick.h"
#include "ui/qview.h"

enum { F_SPAN, F_VALUE, F_AREA, F_OPER, F_N };

struct qchart {
    struct field f[F_N];
    struct form fm;
    struct area_pick ap;
    bool have;
    struct kwh_chart ch;
    char scope[KWH_AREA_PATH_MAX + KWH_NAME_MAX + 8]; /* what the chart covers */
};

static const char *const span_items[] = {N_("Last 30 days"), N_("Last 12 months")};
static const char *const value_items[] = {N_("Money (yuan)"), N_("Energy (kWh)")};

#define LABEL_W 11 /* the value axis' labels */

static bool by_money(const struct qchart *s)
{
    return s->f[F_VALUE].sel == 0;
}

static int64_t value_of(const struct qchart *s, const struct kwh_chart_point *p)
{
    return by_money(s) ? p->money_fen : p->energy_ckwh;
}

static const char *fmt_value(const struct qchart *s, char *buf, size_t n, int64_t v)
{
    return by_money(s) ? fmt_money(buf, n, v) : fmt_energy(buf, n, v);
}

/* The day ("2026-12-04") or month ("2026-12") of a point. */
static const char *point_name(const struct kwh_chart *ch, const struct kwh_chart_point *p,
                              char *buf, size_t n)
{
    if (ch->span == KWH_CHART_DAYS)
        period_format_day(p->period.from, buf, n);
    else
        period_format_month(p->period.from, buf, n);
    return buf;
}

static void load(struct app *a, struct qchart *s)
{
    struct kwh_chart_filter f;
    struct kwh_err e;
    const char *op = form_text(&s->fm, F_OPER);

    memset(&f, 0, sizeof f);
    f.span = s->f[F_SPAN].sel == 0 ? KWH_CHART_DAYS : KWH_CHART_MONTHS;
    f.area_id = area_pick_id(&s->ap, &s->f[F_AREA]);
    f.by_area = f.area_id != 0;
    f.by_operator = op[0] != '\0';
    str_copy(f.operator_name, sizeof f.operator_name, op);
    kwh_err_clear(&e);
    app_msg(a, CLR_INFO, "%s", _("Searching..."));
    app_draw(a);
    if (chart_sales(a->core, &a->s, &f, &s->ch, &e) < 0) {
        s->have = false;
        app_error(a, &e);
        return;
    }
    s->have = true;
    if (f.by_operator)
        snprintf(s->scope, sizeof s->scope, _("%s, operator %s"),
                 area_pick_text(&s->ap, &s->f[F_AREA]), op);
    else
        snprintf(s->scope, sizeof s->scope, "%s", area_pick_text(&s->ap, &s->f[F_AREA]));
    a->msg[0] = '\0';
}

static void chart_enter(struct app *a, void *st, int arg)
{
    struct qchart *s = st;

    (void)arg;
    s->f[F_SPAN] = (struct field){.label = N_("Chart"),
                                  .kind = FK_CHOICE,
                                  .row = 0,
                                  .items = span_items,
                                  .nitems = (int)KWH_ARRAY_LEN(span_items)};
    s->f[F_VALUE] = (struct field){.label = N_("Figure"),
                                   .kind = FK_CHOICE,
                                   .row = 0,
                                   .col = 1,
                                   .items = value_items,
                                   .nitems = (int)KWH_ARRAY_LEN(value_items)};
    s->f[F_AREA] = (struct field){.label = N_("Area"), .row = 1};
    s->ap.all = true;
    area_pick_load(a, &s->ap, &s->f[F_AREA], 0);
    s->f[F_OPER] =
        (struct field){.label = N_("Operator"), .kind = FK_TEXT, .row = 1, .col = 1, .maxlen = 30};
    form_init(&s->fm, s->f, F_N, UI_TOP);
    load(a, s);
}

static void chart_leave(struct app *a, void *st)
{
    (void)a;
    area_pick_fini(&((struct qchart *)st)->ap);
}

/* The bars: each point's value scaled into h rows of eighths, the value axis on the
 * left (its top, half and 0), the days or months under the bars. */
static void draw_bars(struct qchart *s, int y, int h)
{
    const struct kwh_chart *ch = &s->ch;
    int64_t v[KWH_CHART_DAYS_N], max = 0, top;
    int eighths[KWH_CHART_DAYS_N];
    bool days = ch->span == KWH_CHART_DAYS;
    int slot = days ? 2 : 5, bar = days ? 1 : 3, x0 = 2 + LABEL_W + 1;
    int text = theme_attr(CLR_NORMAL), label = theme_attr(CLR_LABEL);
    char b[48];

    for (size_t i = 0; i < ch->n; i++) {
        v[i] = value_of(s, &ch->pt[i]);
        if (v[i] > max)
            max = v[i];
    }
    top = chart_axis_top(max);
    chart_scale(v, ch->n, h, top, eighths);
    for (int r = 0; r < h; r++) {
        int row = h - 1 - r, yy = y + r; /* row 0 is the bottom */
        b[0] = '\0';
        if (top > 0 && row == h - 1)
            fmt_value(s, b, sizeof b, top);
        else if (top > 0 && h % 2 == 0 && row == h / 2 - 1)
            fmt_value(s, b, sizeof b, top / 2);
        draw_text_right(stdscr, yy, 2, LABEL_W, b, label);
        mvaddstr(yy, x0 - 1, "│");
        for (size_t i = 0; i < ch->n; i++)
            for (int k = 0; k < bar; k++)
                mvaddstr(yy, x0 + (int)i * slot + k, chart_glyph(eighths[i], row));
    }
    draw_text_right(stdscr, y + h, 2, LABEL_W, "0", label);
    attrset(text);
    mvaddstr(y + h, x0 - 1, "└");
    for (int x = 0; x < (int)ch->n * slot; x++)
        mvaddstr(y + h, x0 + x, "─");
    /* days: every fifth, counted back from today; months: each */
    for (size_t i = 0; i < ch->n; i++) {
        char d[16];
        if (days && (ch->n - 1 - i) % 5 != 0)
            continue;
        point_name(ch, &ch->pt[i], d, sizeof d);
        draw_text(stdscr, y + h + 1, x0 + (int)i * slot, 2, d + (days ? 8 : 5), label);
    }
}

static void chart_draw(struct app *a, void *st)
{
    struct qchart *s = st;
    const struct kwh_chart *ch = &s->ch;
    int y = UI_TOP + 3, h = UI_ROWS - 9, best = 0;
    char line[300], from[24], to[24], b1[48], b2[48];

    (void)a;
    form_draw(&s->fm, true);
    if (!s->have)
        return;
    if (h < 4)
        h = 4;
    point_name(ch, &ch->pt[0], from, sizeof from);
    point_name(ch, &ch->pt[ch->n - 1], to, sizeof to);
    snprintf(line, sizeof line,
             ch->span == KWH_CHART_DAYS ? _("%s per day, %s to %s: %s")
                                        : _("%s per month, %s to %s: %s"),
             _(value_items[s->f[F_VALUE].sel]), from, to, s->scope);
    draw_text(stdscr, y - 1, 2, COLS - 4, line, theme_attr(CLR_INFO));
    draw_bars(s, y, h);
    snprintf(line, sizeof line, _("Total: %" PRId64 " sales, %s kWh, %s yuan"), ch->total.count,
             fmt_energy(b1, sizeof b1, ch->total.energy_ckwh),
             fmt_money(b2, sizeof b2, ch->total.money_fen));
    draw_text(stdscr, y + h + 2, 2, COLS - 4, line, theme_attr(CLR_LABEL));
    for (size_t i = 1; i < ch->n; i++)
        if (value_of(s, &ch->pt[i]) > value_of(s, &ch->pt[best]))
            best = (int)i;
    if (value_of(s, &ch->pt[best]) > 0) {
        snprintf(line, sizeof line, _("Highest: %s, %s"),
                 point_name(ch, &ch->pt[best], b1, sizeof b1),
                 fmt_value(s, b2, sizeof b2, value_of(s, &ch->pt[best])));
        draw_text(stdscr, y + h + 3, 2, COLS - 4, line, theme_attr(CLR_NORMAL));
    } else {
        draw_text(stdscr, y + h + 3, 2, COLS - 4, _("No sales in this period."),
                  theme_attr(CLR_NORMAL));
    }
    form_draw(&s->fm, true);
}

static const struct list_col export_cols[] = {
    {N_("Period"), 10, false},
    {N_("Sales"), 6, true},
    {N_("kWh"), 12, true},
    {N_("Money (yuan)"), 12, true},
};

static void export_cell(void *ctx, int row, int col, char *buf, size_t n)
{
    struct qchart *s = ctx;
    const struct kwh_chart_point *p = row == QV_TOTAL ? &s->ch.total : &s->ch.pt[row];

    switch (col) {
    case 0:
        if (row == QV_TOTAL)
            snprintf(buf, n, "%s", _("Total"));
        else
            point_name(&s->ch, p, buf, n);
        break;
    case 1: snprintf(buf, n, "%" PRId64, p->count); break;
    case 2: fmt_energy(buf, n, p->energy_ckwh); break;
    default: fmt_money(buf, n, p->money_fen); break;
    }
}

static int export_rows(struct app *a, void *ctx, struct table_sink *k, struct kwh_err *e)
{
    struct qchart *s = ctx;

    (void)a;
    (void)e;
    for (size_t i = 0; i < s->ch.n; i++)
        if (table_sink_row(k, export_cell, s, (int)i) != 0)
            return 0;
    table_sink_row(k, export_cell, s, QV_TOTAL);
    return 0;
}

static void output(struct app *a, struct qchart *s, bool print)
{
    struct table_src t = {
        .name = "chart",
        .title = _("Sales chart"),
        .subtitle = s->scope,
        .cols = export_cols,
        .ncols = (int)KWH_ARRAY_LEN(export_cols),
        .rows = export_rows,
        .ctx = s,
    };

    if (!s->have) {
        app_msg(a, CLR_WARN, "%s", _("Query first (F3): there is nothing to show yet."));
        return;
    }
    if (print)
        table_print(a, &t);
    else
        table_export(a, &t);
}

static int chart_action(struct app *a, void *st, int act)
{
    struct qchart *s = st;

    switch (act) {
    case ACT_FIND:
    case ACT_SUBMIT:
        if (form_validate(a, &s->fm))
            load(a, s);
        return UI_HANDLED;
    case ACT_PRINT: output(a, s, true); return UI_HANDLED;
    case ACT_EXPORT: output(a, s, false); return UI_HANDLED;
    default: return UI_IGNORED;
    }
}

static int chart_key(struct app *a, void *st, int type, wint_t ch)
{
    struct qchart *s = st;
    int span = s->f[F_SPAN].sel, r = form_key(a, &s->fm, type, ch);

    /* a new span is a new series; money or kWh only redraws */
    if (s->f[F_SPAN].sel != span && form_validate(a, &s->fm))
        load(a, s);
    return r | UI_REDRAW;
}

const struct screen scr_query_chart = {
    .title = N_("Sales chart"),
    .actions = ACT_BIT(ACT_FIND) | ACT_BIT(ACT_PRINT) | ACT_BIT(ACT_EXPORT),
    .submit_label = N_("Draw"),
    .keys_help = N_("Tab, Shift-Tab: next or previous field\n"
                    "Left, Right: change a choice (30 days or 12 months, money or kWh, the "
                    "area)\n"
                    "Operator: a name shows only their sales; empty: everyone's\n"
                    "Each bar is a day's or month's settled sales (refunds netted), in eighths "
                    "of a row; the axis on the left gives the scale"),
    .state_size = sizeof(struct qchart),
    .enter = chart_enter,
    .draw = chart_draw,
    .action = chart_action,
    .key = chart_key,
    .leave = chart_leave,
};
