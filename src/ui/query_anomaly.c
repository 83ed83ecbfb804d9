/* SPDX-License-Identifier: Apache-2.0 */
/* 异常情况查询 (issue 14 §3): every anomaly report the core computes from what cards
 * bring back (anomaly_find), one at a time: the report, its threshold (days, and the
 * factor of the outliers) editable on the screen, the area, the sort order. Each row has
 * the account's area; Enter shows the account, F7 prints, F8 exports. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kwhpos/oversight.h"
#include "kwhpos/core.h"
#include "kwhpos/query.h"
#include "kwhpos/util.h"
#include "ui/area_pick.h"
#include "ui/parts.h"
#include "ui/qview.h"

enum { F_KIND, F_DAYS, F_FACTOR, F_AREA, F_SORT, F_N };
enum { SORT_FOUND, SORT_CUSTOMER, SORT_AREA, SORT_DAYS, SORT_VALUE, SORT_N };

struct qanom {
    struct qview q; /* first: the qview_screen_* callbacks */
    struct field f[F_N];
    struct area_pick ap;
    const char *kinds[KWH_ANOM_COUNT];
    int kind;                 /* of the last query */
    struct kwh_anomaly *rows; /* every finding (owned) */
    size_t n;
    const struct kwh_anomaly *cur; /* the row being printed or exported */
};

static const char *const sort_items[SORT_N] = {N_("As found"), N_("Customer"), N_("Area"),
                                               N_("Days"), N_("Figure")};

/* The report's name on the screen (a kind the core learns later shows its own name). */
static const char *kind_label(int kind)
{
    switch (kind) {
    case KWH_ANOM_UNLOADED: return N_("Purchases not in the meter");
    case KWH_ANOM_IDLE: return N_("No purchase for days");
    case KWH_ANOM_BACKWARDS: return N_("Meter totals running backwards");
    case KWH_ANOM_COPY: return N_("Copied or rolled-back cards");
    case KWH_ANOM_OUTLIER: return N_("Usage far above the area");
    case KWH_ANOM_PSC: return N_("Wrong PSCs tried on a card");
    default: return anomaly_name(kind);
    }
}

static bool has_days(int kind)
{
    return kind == KWH_ANOM_UNLOADED || kind == KWH_ANOM_IDLE || kind == KWH_ANOM_OUTLIER;
}

static int default_days(const struct app *a, int kind)
{
    return kind == KWH_ANOM_UNLOADED ? a->cfg.anomaly_unloaded_days
           : kind == KWH_ANOM_IDLE   ? a->cfg.anomaly_idle_days
                                     : a->cfg.anomaly_outlier_days;
}

enum { C_NO, C_NAME, C_METER, C_AREA, C_WHEN, C_DAYS, C_WHAT };

static const struct list_col cols[] = {
    {N_("Cust. no."), 9, false}, {N_("Name"), 8, false},  {N_("Meter no."), 9, false},
    {N_("Area"), 12, false},     {N_("Date"), 10, false}, {N_("Days"), 4, true},
    {N_("Details"), 18, false},
};

static const struct list_col export_cols[] = {
    {N_("Cust. no."), 8, false}, {N_("Name"), 8, false},  {N_("Meter no."), 8, false},
    {N_("Area"), 12, false},     {N_("Time"), 16, false}, {N_("Days"), 4, true},
    {N_("Details"), 40, false},
};

/* What was found, in words: the counts, the totals or the energy against the median. */
static void details(const struct kwh_anomaly *x, char *buf, size_t n)
{
    char b1[32], b2[32], b3[32], b4[32];

    switch (x->kind) {
    case KWH_ANOM_UNLOADED:
        snprintf(buf, n, _("card #%" PRId64 ", meter #%" PRId64), x->a, x->b);
        break;
    case KWH_ANOM_IDLE: buf[0] = '\0'; break;
    case KWH_ANOM_BACKWARDS:
        snprintf(buf, n, _("used %s→%s, bought %s→%s kWh"), fmt_energy(b1, sizeof b1, x->a),
                 fmt_energy(b2, sizeof b2, x->b), fmt_energy(b3, sizeof b3, x->c),
                 fmt_energy(b4, sizeof b4, x->d));
        break;
    case KWH_ANOM_COPY:
        snprintf(buf, n, _("count %" PRId64 ", before %" PRId64), x->a, x->b);
        break;
    case KWH_ANOM_OUTLIER:
        snprintf(buf, n, _("%s kWh, area median %s"), fmt_energy(b1, sizeof b1, x->a),
                 fmt_energy(b2, sizeof b2, x->b));
        break;
    case KWH_ANOM_PSC:
        snprintf(buf, n, _("%" PRId64 " tries left, purchase #%" PRId64), x->a, x->b);
        break;
    default:
        snprintf(buf, n, "%" PRId64 " %" PRId64 " %" PRId64 " %" PRId64, x->a, x->b, x->c, x->d);
    }
}

static void row_cell(const struct kwh_anomaly *x, int col, bool whole_time, char *buf, size_t n)
{
    char b[32];

    switch (col) {
    case C_NO: snprintf(buf, n, "%08" PRIu32, x->customer_no); break;
    case C_NAME: snprintf(buf, n, "%s", x->name); break;
    case C_METER: snprintf(buf, n, "%08" PRIu32, x->meter_no); break;
    case C_AREA: snprintf(buf, n, "%s", x->area[0] ? x->area : _("(whole site)")); break;
    case C_WHEN:
        if (x->when == 0)
            snprintf(buf, n, "-");
        else if (whole_time)
            snprintf(buf, n, "%s", fmt_time(b, sizeof b, x->when));
        else
            period_format_day(x->when, buf, n);
        break;
    case C_DAYS: snprintf(buf, n, "%" PRId64, x->days); break;
    default: details(x, buf, n);
    }
}

static void cell(void *ctx, int row, int col, char *buf, size_t n)
{
    struct qanom *s = ctx;

    if (row == QV_TOTAL) {
        if (col == C_NO)
            snprintf(buf, n, "%s", _("Total"));
        else if (col == C_NAME)
            snprintf(buf, n, _("%zu found"), s->n);
        return;
    }
    row_cell(&s->rows[s->q.offset + row], col, false, buf, n);
}

static int sort_key;

static int cmp(const void *pa, const void *pb)
{
    const struct kwh_anomaly *x = pa, *y = pb;
    int r = 0;

    if (sort_key == SORT_CUSTOMER)
        r = (x->customer_no > y->customer_no) - (x->customer_no < y->customer_no);
    else if (sort_key == SORT_AREA)
        r = strcmp(x->area, y->area);
    else if (sort_key == SORT_DAYS)
        r = (x->days < y->days) - (x->days > y->days);
    else if (sort_key == SORT_VALUE)
        r = (x->a < y->a) - (x->a > y->a);
    return r != 0 ? r : (x->customer_no > y->customer_no) - (x->customer_no < y->customer_no);
}

static int load(struct app *a, void *st, struct kwh_err *e)
{
    struct qanom *s = st;
    struct kwh_anomaly_filter f;
    int rc;

    if (s->q.offset == 0) {
        free(s->rows);
        s->rows = NULL;
        s->n = 0;
        memset(&f, 0, sizeof f);
        s->kind = s->f[F_KIND].sel;
        f.days = has_days(s->kind) ? (int)form_value(&s->q.fm, F_DAYS) : 1;
        f.factor = s->kind == KWH_ANOM_OUTLIER ? (int)form_value(&s->q.fm, F_FACTOR) : 2;
        f.area_id = area_pick_id(&s->ap, &s->f[F_AREA]);
        f.by_area = f.area_id != 0;
        if ((rc = anomaly_find(a->core, &a->s, s->kind, &f, &s->rows, &s->n, e)) < 0)
            return rc;
        sort_key = s->f[F_SORT].sel;
        if (sort_key != SORT_FOUND && s->n > 1)
            qsort(s->rows, s->n, sizeof *s->rows, cmp);
        snprintf(s->q.info, sizeof s->q.info, "%s", _(kind_label(s->kind)));
    }
    qview_held_page(&s->q, s->n);
    return 0;
}

static void open_row(struct app *a, void *st, int row)
{
    struct qanom *s = st;
    struct kwh_customer c;
    struct kwh_err e;

    kwh_err_clear(&e);
    if (account_lookup(a->core, &a->s, s->rows[s->q.offset + row].customer_no, 0, &c, &e) < 0) {
        app_error(a, &e);
        return;
    }
    cust_details(a, &c);
}

static void out_cell(void *ctx, int row, int col, char *buf, size_t n)
{
    struct qanom *s = ctx;

    if (row == QV_TOTAL)
        cell(ctx, row, col, buf, n);
    else
        row_cell(s->cur, col, true, buf, n);
}

static int all_rows(struct app *a, void *ctx, struct table_sink *k, struct kwh_err *e)
{
    struct qanom *s = ctx;

    (void)a;
    (void)e;
    for (size_t i = 0; i < s->n; i++) {
        s->cur = &s->rows[i];
        if (table_sink_row(k, out_cell, s, 0) != 0)
            break;
    }
    s->cur = NULL;
    return 0;
}

static void table(struct app *a, void *st, bool print, struct table_src *t)
{
    struct qanom *s = st;

    (void)a;
    t->name = "anomalies";
    t->title = _("Anomalies");
    t->subtitle = _(kind_label(s->kind));
    t->ctx = st;
    t->cols = print ? cols : export_cols;
    t->ncols = (int)KWH_ARRAY_LEN(cols);
    t->rows = all_rows;
}

static const struct qview_ops ops = {
    .cols = cols,
    .ncols = (int)KWH_ARRAY_LEN(cols),
    .totals = true,
    .cell = cell,
    .load = load,
    .open = open_row,
    .open_label = N_("Show"),
    .table = table,
};

/* The threshold fields of the chosen report: days for three of them, the factor for
 * the outliers; a new report starts from the INI's default. */
static void sync_kind(struct app *a, struct qanom *s, bool reset)
{
    int kind = s->f[F_KIND].sel;

    s->f[F_DAYS].hidden = !has_days(kind);
    s->f[F_FACTOR].hidden = kind != KWH_ANOM_OUTLIER;
    if (reset && has_days(kind))
        form_set_value(&s->q.fm, F_DAYS, default_days(a, kind));
}

static void qanom_enter(struct app *a, void *st, int arg)
{
    struct qanom *s = st;

    (void)arg;
    for (int i = 0; i < KWH_ANOM_COUNT; i++)
        s->kinds[i] = kind_label(i);
    s->f[F_KIND] = (struct field){.label = N_("Report"),
                                  .kind = FK_CHOICE,
                                  .row = 0,
                                  .items = s->kinds,
                                  .nitems = KWH_ANOM_COUNT};
    s->f[F_DAYS] = (struct field){
        .label = N_("Days"), .kind = FK_INT, .row = 1, .maxlen = 4, .imin = 1, .imax = 3650};
    s->f[F_FACTOR] = (struct field){.label = N_("Times the median"),
                                    .kind = FK_INT,
                                    .row = 2,
                                    .maxlen = 4,
                                    .imin = 2,
                                    .imax = 1000};
    s->f[F_AREA] = (struct field){.label = N_("Area"), .row = 0, .col = 1};
    s->ap.all = true;
    area_pick_load(a, &s->ap, &s->f[F_AREA], 0);
    s->f[F_SORT] = (struct field){.label = N_("Sort by"),
                                  .kind = FK_CHOICE,
                                  .row = 1,
                                  .col = 1,
                                  .items = sort_items,
                                  .nitems = SORT_N};
    qview_init(&s->q, &ops, s, s->f, F_N, 3);
    form_set_value(&s->q.fm, F_FACTOR, a->cfg.anomaly_outlier_factor);
    sync_kind(a, s, true);
}

static int qanom_key(struct app *a, void *st, int type, wint_t ch)
{
    struct qanom *s = st;
    int kind = s->f[F_KIND].sel, r = qview_key(a, &s->q, type, ch);

    if (s->f[F_KIND].sel != kind) {
        sync_kind(a, s, true);
        r |= UI_REDRAW;
    }
    return r;
}

static void qanom_leave(struct app *a, void *st)
{
    struct qanom *s = st;

    (void)a;
    free(s->rows);
    s->rows = NULL;
    area_pick_fini(&s->ap);
}

const struct screen scr_query_anomalies = {
    .title = N_("Anomalies"),
    .actions = QVIEW_ACTIONS,
    .submit_label = N_("Find"),
    .submit_now = qview_screen_submit,
    .keys_help = N_("Left, Right: change a choice (the report, the area, the order)\n"
                    "Tab, Shift-Tab: next or previous field; Tab also between the filters "
                    "and the list\n"
                    "Days: how old a purchase or how long without one (1-3650); Times the "
                    "median: how far above its area an account's usage is flagged (2-1000)\n"
                    "Defaults: the INI's [anomaly] keys"),
    .state_size = sizeof(struct qanom),
    .enter = qanom_enter,
    .draw = qview_screen_draw,
    .action = qview_screen_action,
    .key = qanom_key,
    .leave = qanom_leave,
};
