/* SPDX-License-Identifier: Apache-2.0 */
/* 交班 (B7): the blind count first — the clerk counts the cash in the drawer and types
 * it before seeing what the shift expects — then the shift is closed and its report
 * shown with the difference: money by what was done and by payment method, voided
 * attempts and pending card writes. F4 shows the money per fee type in place of the
 * lines, and back. Left and Right choose an area (区域): the
 * report shows the shift's part in it, as `kwhpos report shift --shift ID --in AREA`
 * does; an operator limited to areas has no 全部区域 and sees one of theirs. F7 prints
 * it, F8 exports it. The figures are those of `kwhpos shift close` and `kwhpos report
 * shift`. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "kwhpos/oversight.h"
#include "kwhpos/query.h"
#include "kwhpos/units.h"
#include "kwhpos/util.h"
#include "ui/area_pick.h"
#include "ui/widgets.h"
#include "kwhpos/printer.h"

enum { F_COUNTED, F_N };

struct shift {
    struct field f[F_N];
    struct form fm;
    bool closed;
    bool fees_view; /* the money per fee type in place of the lines */
    struct list fl;
    struct kwh_shift_report r; /* as shown: the whole shift, or its part in the area */
    /* the area filter of the closed shift's report: its own field, Left and Right */
    struct field area;
    struct area_pick ap;
    int64_t shift_id;                /* the shift closed here */
    int64_t counted_fen, whole_diff; /* its count and difference: the whole drawer's */
};

enum { FT_NAME, FT_COUNT, FT_FEE };

static const struct list_col fee_cols[] = {
    {N_("Fee type"), 24, false},
    {N_("Count"), 6, true},
    {N_("Fees"), 11, true},
};

static void fee_cell(void *ctx, int row, int col, char *buf, size_t n)
{
    const struct kwh_item_total *t = &((struct shift *)ctx)->r.fees[row];

    switch (col) {
    case FT_NAME: snprintf(buf, n, "%s", t->name); break;
    case FT_COUNT: snprintf(buf, n, "%" PRId64, t->count); break;
    default: fmt_money(buf, n, t->fen); break;
    }
}

static const char *const line_labels[KWH_SHIFT_LINES] = {
    N_("Openings"),        N_("Daily sales"),    N_("Re-sales"),
    N_("Re-sale returns"), N_("Reissues"),       N_("Meter changes"),
    N_("Refunds"),         N_("Overdraft paid"), N_("Reversals"),
};

enum { L_ITEM, L_COUNT, L_AMOUNT, L_FEE, L_TOTAL };

static const struct list_col line_cols[] = {
    {N_("Item"), 16, false}, {N_("Count"), 6, true},  {N_("Amount"), 11, true},
    {N_("Fees"), 9, true},   {N_("Total"), 11, true},
};

/* The column right of the table of operations (2 + its 57 columns, and a space). */
#define SIDE_X 61

enum { P_PAY, P_IN, P_OUT, P_NET };

static const struct list_col pay_cols[] = {
    {N_("Payment"), 10, false},
    {N_("In"), 11, true},
    {N_("Out"), 11, true},
    {N_("Net"), 11, true},
};

static void line_cell(void *ctx, int row, int col, char *buf, size_t n)
{
    const struct kwh_shift_money *m = &((struct shift *)ctx)->r.lines[row];

    switch (col) {
    case L_ITEM: snprintf(buf, n, "%s", _(line_labels[row])); break;
    case L_COUNT: snprintf(buf, n, "%" PRId64, m->count); break;
    case L_AMOUNT: fmt_money(buf, n, m->amount_fen); break;
    case L_FEE: fmt_money(buf, n, m->fee_fen); break;
    default: fmt_money(buf, n, m->total_fen); break;
    }
}

static void pay_cell(void *ctx, int row, int col, char *buf, size_t n)
{
    const struct kwh_shift_report *r = &((struct shift *)ctx)->r;

    switch (col) {
    case P_PAY: snprintf(buf, n, "%s", model_pay_label(row)); break;
    case P_IN: fmt_money(buf, n, r->pay_in_fen[row]); break;
    case P_OUT: fmt_money(buf, n, r->pay_out_fen[row]); break;
    default: fmt_money(buf, n, r->pay_in_fen[row] - r->pay_out_fen[row]); break;
    }
}

enum { S_IN, S_OUT, S_NET, S_EXPECTED, S_COUNTED, S_DIFF, S_N };

static const char *const summary_labels[S_N] = {
    N_("Money in"),      N_("Money out"),    N_("Net"),
    N_("Expected cash"), N_("Counted cash"), N_("Difference"),
};

static int64_t summary_value(const struct kwh_shift_report *r, int i)
{
    const int64_t v[S_N] = {r->money_in_fen,      r->money_out_fen,    r->net_fen,
                            r->expected_cash_fen, r->counted_cash_fen, r->difference_fen};
    return v[i];
}

static const char *verdict(const struct kwh_shift_report *r)
{
    return r->difference_fen < 0 ? _("short") : r->difference_fen > 0 ? _("over") : _("exact");
}

static void heading(const struct kwh_shift_report *r, char *buf, size_t n)
{
    char from[32], to[32];

    snprintf(buf, n, _("Shift #%" PRId64 " of %s: %s - %s"), r->shift_id, r->operator_name,
             r->from ? fmt_time(from, sizeof from, r->from) : _("the start"),
             fmt_time(to, sizeof to, r->to));
}

/* The area shown, or "" for the whole shift. */
static const char *area_shown(const struct shift *s)
{
    return area_pick_id(&s->ap, &s->area) != 0 ? area_pick_text(&s->ap, &s->area) : "";
}

/* Shows the closed shift whole (全部区域) or its part in the chosen area; the part keeps
 * the whole drawer's count and difference beside its own figures. */
static void show_area(struct app *a, struct shift *s)
{
    struct kwh_shift_report r;
    struct kwh_err e;
    int64_t id = area_pick_id(&s->ap, &s->area);
    int rc;

    kwh_err_clear(&e);
    rc = id != 0 ? shift_get_in_area(a->core, &a->s, s->shift_id, id, &r, &e)
                 : shift_get(a->core, &a->s, s->shift_id, &r, &e);
    if (rc < 0) {
        app_error(a, &e);
        return;
    }
    shift_report_fini(&s->r);
    s->r = r;
    if (id != 0) {
        s->r.counted_cash_fen = s->counted_fen;
        s->r.difference_fen = s->whole_diff;
    }
}

/* The audit chain's anchor at the close (docs/security.md): on the report, on paper. */
static void anchor_text(const struct kwh_shift_report *r, char *buf, size_t n)
{
    buf[0] = '\0';
    if (r->anchor.records > 0)
        snprintf(buf, n, _("Audit anchor: %" PRId64 " records, head %.16s"), r->anchor.records,
                 r->anchor.head);
}

static void shift_enter(struct app *a, void *st, int arg)
{
    struct shift *s = st;

    (void)a;
    (void)arg;
    s->f[F_COUNTED] = (struct field){.label = N_("Cash counted (yuan)"),
                                     .kind = FK_MONEY,
                                     .row = 0,
                                     .required = true,
                                     .imax = UNITS_MAX_FEN,
                                     .width = 14};
    form_init(&s->fm, s->f, F_N, UI_TOP + 4);
}

static void draw_count(struct shift *s)
{
    draw_wrap(stdscr, UI_TOP + 1, 2, COLS - 4,
              _("Count the cash in the drawer and type what you counted. The shift is then "
                "closed and its report shows what was expected and the difference."),
              theme_attr(CLR_INFO), 2);
    draw_text(stdscr, UI_TOP + 6, 2, COLS - 4,
              _("Everything you sold since you last closed a shift belongs to this one."),
              theme_attr(CLR_INFO));
    form_draw(&s->fm, true);
}

static void draw_report(struct shift *s)
{
    const struct kwh_shift_report *r = &s->r;
    struct list lines = {.n = KWH_SHIFT_LINES, .sel = -1};
    struct list pays = {.n = KWH_PAY_COUNT, .sel = -1};
    int y = UI_TOP, sx = 50, lw = draw_max_width(summary_labels, S_N) + 1;
    char line[200], b[32];

    heading(r, line, sizeof line);
    draw_text(stdscr, y, 2, COLS - 4, line, theme_attr(CLR_READONLY));
    if (!s->fees_view) {
        list_draw(&lines, y + 1, 2, KWH_SHIFT_LINES + 1, line_cols, (int)KWH_ARRAY_LEN(line_cols),
                  line_cell, s, false);
    } else if (r->nfees == 0) {
        draw_text(stdscr, y + 2, 2, SIDE_X - 4, _("No fees in this shift."), theme_attr(CLR_INFO));
    } else {
        s->fl.n = (int)r->nfees;
        list_draw(&s->fl, y + 1, 2, KWH_SHIFT_LINES + 1, fee_cols, (int)KWH_ARRAY_LEN(fee_cols),
                  fee_cell, s, true);
    }
    list_draw(&pays, y + 2 + KWH_SHIFT_LINES, 2, KWH_PAY_COUNT + 1, pay_cols,
              (int)KWH_ARRAY_LEN(pay_cols), pay_cell, s, false);
    for (int i = 0; i < S_N; i++) {
        char v[64];
        snprintf(v, sizeof v, "%s %s", fmt_money(b, sizeof b, summary_value(r, i)),
                 i == S_DIFF ? verdict(r) : "");
        draw_pair(stdscr, y + 2 + KWH_SHIFT_LINES + i, sx, lw, COLS - sx - 2, _(summary_labels[i]),
                  v,
                  theme_attr(i != S_DIFF             ? CLR_READONLY
                             : r->difference_fen < 0 ? CLR_ERROR
                                                     : CLR_OK));
    }
    y += 3 + KWH_SHIFT_LINES + KWH_PAY_COUNT;
    /* the last row of the screen's area at 80×24: one line */
    snprintf(line, sizeof line,
             _("Voided: %zu (no card written, no money). Pending: %zu (read their cards)."),
             r->nvoided, r->npending);
    draw_text(stdscr, y, 2, COLS - 4, line,
              theme_attr(r->nvoided || r->npending ? CLR_WARN : CLR_INFO));
    /* right of the table of operations (which ends at column 59): the area, the anchor,
       then the reversal requests */
    y = UI_TOP + 1;
    draw_text(stdscr, y++, SIDE_X, COLS - SIDE_X - 2, _("Area (Left, Right):"),
              theme_attr(CLR_INFO));
    snprintf(line, sizeof line, "< %s >", area_pick_text(&s->ap, &s->area));
    draw_text(stdscr, y++, SIDE_X, COLS - SIDE_X - 2, line, theme_attr(CLR_FIELD_CUR));
    if (area_shown(s)[0] != '\0')
        y +=
            draw_wrap(stdscr, y, SIDE_X, COLS - SIDE_X - 2,
                      _("Counted cash and difference: the whole drawer."), theme_attr(CLR_INFO), 2);
    anchor_text(r, line, sizeof line);
    y += 1 + draw_wrap(stdscr, y, SIDE_X, COLS - SIDE_X - 2, line, theme_attr(CLR_READONLY), 3);
    if (r->nrequests > 0) {
        snprintf(line, sizeof line, "%s %zu", _("Reversal requests waiting for an administrator:"),
                 r->nrequests);
        int rows = UI_TOP + 1 + KWH_SHIFT_LINES - y;
        if (rows > 0)
            draw_wrap(stdscr, y, SIDE_X, COLS - SIDE_X - 2, line, theme_attr(CLR_WARN), rows);
    }
}

static void shift_draw(struct app *a, void *st)
{
    struct shift *s = st;

    (void)a;
    if (s->closed)
        draw_report(s);
    else
        draw_count(s);
}

static int close_shift(struct app *a, struct shift *s)
{
    struct kwh_err e;
    char q[256], b[32];
    int64_t counted;

    if (!form_validate(a, &s->fm))
        return UI_HANDLED;
    counted = form_value(&s->fm, F_COUNTED);
    snprintf(q, sizeof q, _("Close your shift with %s yuan counted in the drawer?"),
             fmt_money(b, sizeof b, counted));
    if (!dialog_confirm(a, _("Close the shift"), q))
        return UI_HANDLED;
    kwh_err_clear(&e);
    if (shift_close(a->core, &a->s, counted, &s->r, &e) < 0) {
        app_error(a, &e);
        return UI_HANDLED;
    }
    s->closed = true;
    s->shift_id = s->r.shift_id;
    s->counted_fen = s->r.counted_cash_fen;
    s->whole_diff = s->r.difference_fen;
    /* an operator limited to areas sees one of theirs, never the whole */
    {
        int64_t mine[1];
        size_t nmine = 0;
        kwh_err_clear(&e);
        s->ap.all = scope_get(a->core, &a->s, NULL, mine, 1, &nmine, &e) == 0 && nmine == 0;
    }
    area_pick_load(a, &s->ap, &s->area, 0);
    if (area_pick_id(&s->ap, &s->area) != 0)
        show_area(a, s);
    app_msg(a, s->whole_diff < 0 ? CLR_WARN : CLR_OK, _("Shift closed: %s %s."), _("difference"),
            fmt_money(b, sizeof b, s->whole_diff));
    return UI_HANDLED;
}

/* --- printing and export ---------------------------------------------------------------- */

static void text_table(struct tbuf *b, const struct list_col *cols, int ncols, list_cell_fn cell,
                       void *ctx, int nrows)
{
    char buf[64];

    for (int c = 0; c < ncols; c++) {
        tbuf_cell(b, _(cols[c].head), cols[c].width, cols[c].right);
        tbuf_add(b, " ");
    }
    tbuf_end_line(b);
    for (int row = 0; row < nrows; row++) {
        for (int c = 0; c < ncols; c++) {
            buf[0] = '\0';
            cell(ctx, row, c, buf, sizeof buf);
            tbuf_cell(b, buf, cols[c].width, cols[c].right);
            tbuf_add(b, " ");
        }
        tbuf_end_line(b);
    }
}

static void text_sales(struct tbuf *b, const char *title, const struct kwh_sale *v, size_t n)
{
    char t[32], e1[32], m1[32];

    if (n == 0)
        return;
    tbuf_add(b, "\n%s\n", title);
    for (size_t i = 0; i < n; i++)
        tbuf_add(b, "%s %08" PRIu32 " %s %s %s kWh %s\n", fmt_time(t, sizeof t, v[i].created),
                 v[i].customer_no, v[i].customer_name, model_op_label(v[i].kind),
                 fmt_energy(e1, sizeof e1, v[i].energy_ckwh),
                 fmt_money(m1, sizeof m1, v[i].amount_fen));
}

static void print_shift(struct app *a, struct shift *s)
{
    const struct kwh_shift_report *r = &s->r;
    struct tbuf b = {0};
    struct printer_result res;
    struct kwh_err e;
    char line[200], m[32];
    int lw = draw_max_width(summary_labels, S_N) + 2, rc;

    heading(r, line, sizeof line);
    tbuf_add(&b, "%s\n%s\n", _("Shift report"), line);
    if (area_shown(s)[0] != '\0')
        tbuf_add(&b,
                 _("Only the sales of the accounts in %s and below; counted cash and "
                   "difference are the whole drawer's.\n"),
                 area_shown(s));
    tbuf_add(&b, "\n");
    text_table(&b, line_cols, (int)KWH_ARRAY_LEN(line_cols), line_cell, s, KWH_SHIFT_LINES);
    tbuf_add(&b, "\n");
    if (r->nfees > 0) {
        text_table(&b, fee_cols, (int)KWH_ARRAY_LEN(fee_cols), fee_cell, s, (int)r->nfees);
        tbuf_add(&b, "\n");
    }
    text_table(&b, pay_cols, (int)KWH_ARRAY_LEN(pay_cols), pay_cell, s, KWH_PAY_COUNT);
    tbuf_add(&b, "\n");
    for (int i = 0; i < S_N; i++) {
        tbuf_cell(&b, _(summary_labels[i]), lw, false);
        tbuf_cell(&b, fmt_money(m, sizeof m, summary_value(r, i)), 12, true);
        tbuf_add(&b, i == S_DIFF ? " %s\n" : "\n", verdict(r));
    }
    text_sales(&b, _("Voided attempts (never reached the card, no money):"), r->voided, r->nvoided);
    text_sales(&b, _("Pending (read these cards to settle them):"), r->pending, r->npending);
    if (r->nrequests > 0)
        tbuf_add(&b, "\n%s %zu\n", _("Reversal requests waiting for an administrator:"),
                 r->nrequests);
    anchor_text(r, line, sizeof line);
    if (line[0] != '\0')
        tbuf_add(&b, "\n%s\n", line);
    kwh_err_clear(&e);
    if (b.failed) {
        tbuf_fini(&b);
        app_msg(a, CLR_ERROR, "%s", _("Out of memory."));
        return;
    }
    rc = ui_print_text(a, _("Shift report"), b.s, &res, &e);
    tbuf_fini(&b);
    ui_print_outcome(a, rc, &res, &e, _("Printed."));
}

/* CSV: the lines, each fee type's money in the Fees column, then the summary in the
 * Total column. */
static void export_cell(void *ctx, int row, int col, char *buf, size_t n)
{
    const struct kwh_shift_report *r = &((struct shift *)ctx)->r;
    int f = row - KWH_SHIFT_LINES, i = f - (int)r->nfees;

    if (row < KWH_SHIFT_LINES)
        line_cell(ctx, row, col, buf, n);
    else if (f < (int)r->nfees && col == L_ITEM)
        snprintf(buf, n, _("Fee: %s"), r->fees[f].name);
    else if (f < (int)r->nfees && col == L_COUNT)
        fee_cell(ctx, f, FT_COUNT, buf, n);
    else if (f < (int)r->nfees && col == L_FEE)
        fee_cell(ctx, f, FT_FEE, buf, n);
    else if (f < (int)r->nfees)
        buf[0] = '\0';
    else if (col == L_ITEM)
        snprintf(buf, n, "%s", _(summary_labels[i]));
    else if (col == L_TOTAL)
        fmt_money(buf, n, summary_value(r, i));
}

static int export_rows(struct app *a, void *ctx, struct table_sink *k, struct kwh_err *e)
{
    const struct kwh_shift_report *r = &((struct shift *)ctx)->r;

    (void)a;
    (void)e;
    int fees = (int)r->nfees;

    for (int row = 0; row < KWH_SHIFT_LINES + fees + S_N; row++)
        if ((row != KWH_SHIFT_LINES + fees + S_COUNTED && row != KWH_SHIFT_LINES + fees + S_DIFF) ||
            r->counted)
            table_sink_row(k, export_cell, ctx, row);
    return 0;
}

static int shift_action(struct app *a, void *st, int act)
{
    struct shift *s = st;
    struct table_src t = {
        .name = "shift",
        .cols = line_cols,
        .ncols = (int)KWH_ARRAY_LEN(line_cols),
        .rows = export_rows,
        .ctx = s,
    };

    switch (act) {
    case ACT_SUBMIT: return s->closed ? UI_CLOSE : close_shift(a, s);
    case ACT_FEES:
        if (s->closed) {
            s->fees_view = !s->fees_view;
            s->fl.n = (int)s->r.nfees;
        }
        return UI_HANDLED;
    case ACT_PRINT:
    case ACT_EXPORT:
        if (!s->closed) {
            app_msg(a, CLR_WARN, "%s", _("Count the cash and close the shift first."));
        } else if (act == ACT_PRINT) {
            print_shift(a, s);
        } else {
            t.title = _("Shift report");
            table_export(a, &t);
        }
        return UI_HANDLED;
    default: return UI_IGNORED;
    }
}

static int shift_key(struct app *a, void *st, int type, wint_t ch)
{
    struct shift *s = st;
    int sel;

    if (!s->closed)
        return form_key(a, &s->fm, type, ch);
    if (type != KEY_CODE_YES || (ch != KEY_LEFT && ch != KEY_RIGHT) || s->area.nitems < 2)
        return s->fees_view ? list_key(&s->fl, KWH_SHIFT_LINES + 1, type, ch) : UI_IGNORED;
    sel = s->area.sel;
    s->area.sel = (sel + (ch == KEY_RIGHT ? 1 : s->area.nitems - 1)) % s->area.nitems;
    show_area(a, s);
    s->fl.n = (int)s->r.nfees;
    s->fl.sel = s->fl.top = 0;
    return UI_HANDLED | UI_REDRAW;
}

/* F4 once the report is there. */
static unsigned shift_actions(const struct app *a, void *st)
{
    unsigned act = ACT_BIT(ACT_PRINT) | ACT_BIT(ACT_EXPORT);

    (void)a;
    return ((struct shift *)st)->closed ? act | ACT_BIT(ACT_FEES) : act;
}

static const char *shift_keys(const struct app *a, void *st)
{
    (void)a;
    return ((const struct shift *)st)->fees_view
               ? N_("F4: back to the lines by operation\n"
                    "Up, Down, PgUp, PgDn: through the fee types\n"
                    "Left, Right: the area whose part of the shift is shown")
               : N_("Before the close: type the cash counted in the drawer; Enter closes the "
                    "shift\n"
                    "After the close: Left, Right choose the area whose part of the shift is "
                    "shown (全部区域: the whole); F4 shows the money per fee type (service, "
                    "monthly, card fee) in place of the lines\n"
                    "F7 prints the report as shown, F8 exports it; Enter leaves");
}

static const char *shift_submit(struct app *a, void *st)
{
    (void)a;
    return ((struct shift *)st)->closed ? N_("Done") : N_("Close shift");
}

static void shift_leave(struct app *a, void *st)
{
    (void)a;
    shift_report_fini(&((struct shift *)st)->r);
    area_pick_fini(&((struct shift *)st)->ap);
}

const struct screen scr_shift = {
    .title = N_("Shift handover"),
    .actions = ACT_BIT(ACT_PRINT) | ACT_BIT(ACT_EXPORT) | ACT_BIT(ACT_FEES),
    .submit_label = N_("Close shift"),
    .submit_now = shift_submit,
    .actions_now = shift_actions,
    .keys_help_now = shift_keys,
    .state_size = sizeof(struct shift),
    .enter = shift_enter,
    .draw = shift_draw,
    .action = shift_action,
    .key = shift_key,
    .leave = shift_leave,
};
