/* SPDX-License-Identifier: Apache-2.0 */
/* 用户信息查询 (M20): accounts by customer number, meter number, name, tariff, address,
 * last purchase date and area, each filter behind its own box; none ticked = every
 * account that is not closed. The search box (查找) takes anything at once: a number, a
 * phone, part of a name or address, pinyin initials (search_customers), a page at a
 * time. Enter on a row shows the account. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "kwhpos/oversight.h"
#include "kwhpos/util.h"
#include "ui/area_pick.h"
#include "ui/parts.h"
#include "ui/qview.h"
#include "kwhpos/query.h"

enum { F_NO, F_METER, F_NAME, F_ADDR, F_TARIFF, F_FROM, F_TO, F_CLOSED, F_SEARCH, F_AREA, F_N };

#define SEARCH_PAGES 1000 /* pages a search can go forward */

struct qcust {
    struct qview q; /* first: the qview_screen_* callbacks */
    struct field f[F_N];
    struct tariff_pick tp;
    struct area_pick ap;
    struct kwh_customer_filter filter; /* of the last query */
    struct kwh_customer_page page;
    bool search;                    /* the last query was the search box's */
    char text[LEDIT_CAP];           /* ... its text */
    int64_t after[SEARCH_PAGES];    /* the key each page of the search starts after */
    int64_t balance_ckwh;           /* over every match */
    const struct kwh_customer *cur; /* the row being printed or exported */
};

/* the tariff is in the details (Enter) and the export: the area took its place */
enum { C_NO, C_NAME, C_METER, C_AREA, C_BALANCE, C_LAST, C_STATUS };

static const struct list_col cols[] = {
    {N_("Cust. no."), 9, false}, {N_("Name"), 10, false},       {N_("Meter no."), 9, false},
    {N_("Area"), 12, false},     {N_("Balance kWh"), 11, true}, {N_("Last sale"), 10, false},
    {N_("Status"), 8, false},
};

/* The CSV has every column of the account. */
static const struct list_col export_cols[] = {
    {N_("Cust. no."), 9, false}, {N_("Name"), 13, false},         {N_("Address"), 20, false},
    {N_("Phone"), 12, false},    {N_("Meter no."), 9, false},     {N_("Meter type"), 8, false},
    {N_("Tariff"), 10, false},   {N_("Purchase count"), 6, true}, {N_("Status"), 8, false},
    {N_("Card"), 4, false},      {N_("Balance kWh"), 11, true},   {N_("Last purchase"), 16, false},
    {N_("Opened"), 16, false},   {N_("Area"), 20, false},
};

/* The area of an account as the operator sees the tree ("" when outside it). */
static const char *area_of(const struct qcust *s, int64_t id)
{
    for (int i = 0; i < s->ap.n; i++)
        if (s->ap.areas[i].id == id)
            return s->ap.areas[i].depth == 0 ? _("(whole site)") : s->ap.areas[i].title;
    return "";
}

static void day_of(int64_t t, char *buf, size_t n)
{
    if (t == 0)
        str_copy(buf, n, "-");
    else
        period_format_day(t, buf, n);
}

static void screen_cell(const struct qcust *s, const struct kwh_customer *c, int col, char *buf,
                        size_t n)
{
    char b[32];

    switch (col) {
    case C_NO: snprintf(buf, n, "%08" PRIu32, c->customer_no); break;
    case C_NAME: snprintf(buf, n, "%s", c->name); break;
    case C_METER: snprintf(buf, n, "%08" PRIu32, c->meter.meter_no); break;
    case C_AREA: snprintf(buf, n, "%s", area_of(s, c->area_id)); break;
    case C_BALANCE: snprintf(buf, n, "%s", fmt_energy(b, sizeof b, c->balance_ckwh)); break;
    case C_LAST: day_of(c->last_purchase, buf, n); break;
    default:
        snprintf(buf, n, "%s", query_customer_has_card(c) ? label_status(c->status) : _("No card"));
        break;
    }
}

static void cell(void *ctx, int row, int col, char *buf, size_t n)
{
    struct qcust *s = ctx;

    if (row == QV_TOTAL) {
        if (col == C_NO)
            snprintf(buf, n, "%s", _("Total"));
        else if (col == C_NAME)
            snprintf(buf, n, _("%" PRId64 " accounts"), s->q.total);
        else if (col == C_BALANCE)
            fmt_energy(buf, n, s->balance_ckwh);
        return;
    }
    screen_cell(s, &s->page.rows[row], col, buf, n);
}

static void export_cell(void *ctx, int row, int col, char *buf, size_t n)
{
    const struct qcust *s = ctx;
    const struct kwh_customer *c = s->cur;
    char b[32];

    (void)row;
    switch (col) {
    case 0: snprintf(buf, n, "%08" PRIu32, c->customer_no); break;
    case 1: snprintf(buf, n, "%s", c->name); break;
    case 2: snprintf(buf, n, "%s", c->address); break;
    case 3: snprintf(buf, n, "%s", c->phone); break;
    case 4: snprintf(buf, n, "%08" PRIu32, c->meter.meter_no); break;
    case 5: snprintf(buf, n, "%s", model_meter_type_label(c->meter.meter_type)); break;
    case 6: snprintf(buf, n, "%s", c->tariff_name); break;
    case 7: snprintf(buf, n, "%d", c->purchase_count); break;
    case 8: snprintf(buf, n, "%s", label_status(c->status)); break;
    case 9: snprintf(buf, n, "%s", query_customer_has_card(c) ? _("yes") : _("none")); break;
    case 10: snprintf(buf, n, "%s", fmt_energy(b, sizeof b, c->balance_ckwh)); break;
    case 11:
        snprintf(buf, n, "%s", c->last_purchase ? fmt_time(b, sizeof b, c->last_purchase) : "");
        break;
    case 12: snprintf(buf, n, "%s", fmt_time(b, sizeof b, c->opened)); break;
    default: snprintf(buf, n, "%s", area_of(s, c->area_id)); break;
    }
}

static int add_balance(void *ctx, const struct kwh_customer *c)
{
    ((struct qcust *)ctx)->balance_ckwh += c->balance_ckwh;
    return 0;
}

/* The filter from the ticked fields; the core checks the values. */
static int build_filter(struct app *a, struct qcust *s, struct kwh_err *e)
{
    struct kwh_customer_filter *f = &s->filter;
    const struct form *fm = &s->q.fm;
    int rc;

    memset(f, 0, sizeof *f);
    f->by_customer_no = s->f[F_NO].on;
    f->customer_no = (uint32_t)form_value(fm, F_NO);
    f->by_meter_no = s->f[F_METER].on;
    f->meter_no = (uint32_t)form_value(fm, F_METER);
    f->by_name = s->f[F_NAME].on;
    str_copy(f->name, sizeof f->name, form_text(fm, F_NAME));
    f->by_address = s->f[F_ADDR].on;
    str_copy(f->address, sizeof f->address, form_text(fm, F_ADDR));
    f->by_tariff = s->f[F_TARIFF].on;
    f->tariff_id = tariff_pick_id(&s->tp, &s->f[F_TARIFF]);
    f->include_closed = s->f[F_CLOSED].on;
    f->by_area = s->f[F_AREA].on;
    f->area_id = area_pick_id(&s->ap, &s->f[F_AREA]);
    if ((rc = qview_period(a, &s->q, &f->last_purchase, e)) < 0)
        return rc;
    f->by_last_purchase = rc == 1;
    return 0;
}

/* A page of the search box's matches: paged by key, so how many match in all is not
 * known; the page after the last one shown starts after its last account. */
static int load_search(struct app *a, struct qcust *s, struct kwh_err *e)
{
    struct kwh_search_page pg;
    int64_t pi = s->q.offset / s->q.page;
    int rc;

    if (s->q.offset == 0) {
        str_copy(s->text, sizeof s->text, form_text(&s->q.fm, F_SEARCH));
        s->filter.include_closed = s->f[F_CLOSED].on;
        s->after[0] = 0;
    }
    if (pi >= SEARCH_PAGES)
        return kwh_err_set(e, KWH_EINVAL, "%s", _("Too many pages: type more to narrow it."));
    if ((rc = search_customers(a->core, &a->s, s->text, s->filter.include_closed, s->after[pi],
                               s->q.page, &pg, e)) < 0)
        return rc;
    query_customer_page_fini(&s->page);
    s->page.rows = pg.rows;
    s->page.n = pg.n;
    s->q.l.n = (int)pg.n;
    s->q.total = s->q.offset + (int64_t)pg.n + (pg.more ? 1 : 0);
    if (pg.more && pg.n > 0 && pi + 1 < SEARCH_PAGES)
        s->after[pi + 1] = pg.rows[pg.n - 1].id;
    return 0;
}

static int load(struct app *a, void *st, struct kwh_err *e)
{
    struct qcust *s = st;
    int rc;

    if (s->q.offset == 0)
        s->search = s->f[F_SEARCH].on;
    s->q.open_ended = s->search;
    if (s->search) {
        snprintf(s->q.info, sizeof s->q.info, "%s",
                 _("Search box: other filters but Incl. closed are not used."));
        return load_search(a, s, e);
    }
    s->q.info[0] = '\0';
    if (s->q.offset == 0) {
        if ((rc = build_filter(a, s, e)) < 0)
            return rc;
        s->balance_ckwh = 0;
        if ((rc = query_customers_each(a->core, &a->s, &s->filter, add_balance, s, e)) < 0)
            return rc;
    }
    query_customer_page_fini(&s->page);
    s->filter.limit = s->q.page;
    s->filter.offset = s->q.offset;
    if ((rc = query_customers(a->core, &a->s, &s->filter, &s->page, e)) < 0)
        return rc;
    s->q.l.n = (int)s->page.n;
    s->q.total = s->page.total;
    return 0;
}

static void open_row(struct app *a, void *st, int row)
{
    cust_details(a, &((struct qcust *)st)->page.rows[row]);
}

struct each_ctx {
    struct qcust *s;
    struct table_sink *k;
    list_cell_fn cell;
};

static int each_row(void *ctx, const struct kwh_customer *c)
{
    struct each_ctx *x = ctx;

    x->s->cur = c;
    return table_sink_row(x->k, x->cell, x->s, 0);
}

static void print_cell(void *ctx, int row, int col, char *buf, size_t n)
{
    struct qcust *s = ctx;

    if (row == QV_TOTAL)
        cell(ctx, row, col, buf, n);
    else
        screen_cell(s, s->cur, col, buf, n);
}

/* Every match of the search box, page after page. */
static int search_each(struct app *a, struct qcust *s,
                       int (*fn)(void *ctx, const struct kwh_customer *c), void *ctx,
                       struct kwh_err *e)
{
    struct kwh_search_page pg;
    int64_t after = 0;
    bool more;
    int rc;

    do {
        if ((rc = search_customers(a->core, &a->s, s->text, s->filter.include_closed, after,
                                   KWH_PAGE_MAX, &pg, e)) < 0)
            return rc;
        for (size_t i = 0; i < pg.n && rc == 0; i++)
            rc = fn(ctx, &pg.rows[i]);
        after = pg.n > 0 ? pg.rows[pg.n - 1].id : 0;
        more = pg.more;
        search_page_fini(&pg);
        if (rc != 0)
            return 0;
    } while (more && after > 0);
    return 0;
}

/* Every match (not just the page) through cell; the totals line when printing. */
static int all_rows(struct app *a, struct qcust *s, struct table_sink *k, list_cell_fn fn,
                    struct kwh_err *e)
{
    struct kwh_customer_filter f = s->filter;
    struct each_ctx x = {s, k, fn};
    int rc;

    f.limit = 0;
    f.offset = 0;
    rc = s->search ? search_each(a, s, each_row, &x, e)
                   : query_customers_each(a->core, &a->s, &f, each_row, &x, e);
    s->cur = NULL;
    if (rc < 0)
        return rc;
    if (fn == print_cell && !s->search)
        table_sink_row(k, print_cell, s, QV_TOTAL);
    return 0;
}

static int print_rows(struct app *a, void *ctx, struct table_sink *k, struct kwh_err *e)
{
    return all_rows(a, ctx, k, print_cell, e);
}

static int export_rows(struct app *a, void *ctx, struct table_sink *k, struct kwh_err *e)
{
    return all_rows(a, ctx, k, export_cell, e);
}

static void table(struct app *a, void *st, bool print, struct table_src *t)
{
    (void)a;
    t->name = "customers";
    t->title = _("Customer information");
    t->ctx = st;
    if (print) {
        t->cols = cols;
        t->ncols = (int)KWH_ARRAY_LEN(cols);
        t->rows = print_rows;
    } else {
        t->cols = export_cols;
        t->ncols = (int)KWH_ARRAY_LEN(export_cols);
        t->rows = export_rows;
    }
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

static void qcust_enter(struct app *a, void *st, int arg)
{
    struct qcust *s = st;

    (void)arg;
    s->f[F_NO] = (struct field){
        .label = N_("Cust. no."), .kind = FK_DIGITS, .row = 0, .maxlen = 9, .check = true};
    s->f[F_METER] = (struct field){.label = N_("Meter no."),
                                   .kind = FK_DIGITS,
                                   .row = 1,
                                   .minlen = 8,
                                   .maxlen = 8,
                                   .check = true};
    s->f[F_NAME] =
        (struct field){.label = N_("Name"), .kind = FK_TEXT, .row = 2, .maxlen = 40, .check = true};
    s->f[F_ADDR] = (struct field){
        .label = N_("Address"), .kind = FK_TEXT, .row = 3, .maxlen = 60, .check = true};
    s->f[F_SEARCH] = (struct field){
        .label = N_("Search"), .kind = FK_TEXT, .row = 4, .maxlen = 60, .check = true};
    s->f[F_TARIFF] = (struct field){.label = N_("Tariff"), .row = 0, .col = 1, .check = true};
    s->tp.names_only = true;
    tariff_pick_load(a, &s->tp, &s->f[F_TARIFF], 0);
    s->f[F_FROM] = (struct field){.label = N_("Last sale from"),
                                  .kind = FK_TEXT,
                                  .row = 1,
                                  .col = 1,
                                  .maxlen = 19,
                                  .width = 12,
                                  .check = true};
    s->f[F_TO] = (struct field){
        .label = N_("to"), .kind = FK_TEXT, .row = 2, .col = 1, .maxlen = 19, .width = 12};
    s->f[F_CLOSED] =
        (struct field){.label = N_("Incl. closed"), .kind = FK_CHECK, .row = 3, .col = 1};
    s->f[F_AREA] = (struct field){.label = N_("Area"), .row = 4, .col = 1, .check = true};
    area_pick_load(a, &s->ap, &s->f[F_AREA], 0);
    qview_init(&s->q, &ops, s, s->f, F_N, 5);
    qview_dates(&s->q, F_FROM, F_TO);
}

static void qcust_leave(struct app *a, void *st)
{
    (void)a;
    query_customer_page_fini(&((struct qcust *)st)->page);
    area_pick_fini(&((struct qcust *)st)->ap);
}

const struct screen scr_query_customers = {
    .title = N_("Customer information"),
    .actions = QVIEW_ACTIONS,
    .submit_label = N_("Find"),
    .submit_now = qview_screen_submit,
    .state_size = sizeof(struct qcust),
    .enter = qcust_enter,
    .draw = qview_screen_draw,
    .action = qview_screen_action,
    .key = qview_screen_key,
    .leave = qcust_leave,
};
