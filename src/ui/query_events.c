/* SPDX-License-Identifier: Apache-2.0 */
/* 过户查询, 销户查询, 补卡查询, 换表查询 (M22-M25): what happened to accounts, by operator
 * and period, each behind its own box; none ticked = today. One screen, the kind of
 * event given by the menu (enum kwh_event_kind). Enter shows before and after. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "kwhpos/util.h"
#include "ui/parts.h"
#include "ui/qview.h"
#include "kwhpos/query.h"

enum { F_OPER, F_FROM, F_TO, F_N };
enum { C_TIME, C_NO, C_NAME, C_METER, C_OPER, C_AFTER };

struct qevents {
    struct qview q; /* first: the qview_screen_* callbacks */
    int kind;
    struct field f[F_N];
    struct kwh_event_filter filter;
    struct kwh_event_page page;
    const struct kwh_event *cur; /* the row being printed or exported */
};

static const struct list_col cols[] = {
    {N_("Time"), 16, false},     {N_("Cust. no."), 9, false}, {N_("Name"), 10, false},
    {N_("Meter no."), 9, false}, {N_("Operator"), 8, false},  {N_("Details"), 19, false},
};

static const char *what(int kind)
{
    switch (kind) {
    case KWH_EV_TRANSFER: return N_("Transfers");
    case KWH_EV_CLOSE: return N_("Closed accounts");
    case KWH_EV_REISSUE: return N_("Reissued cards");
    default: return N_("Meter change records");
    }
}

static void cell(void *ctx, int row, int col, char *buf, size_t n)
{
    struct qevents *s = ctx;
    const struct kwh_event *v = s->cur != NULL ? s->cur : &s->page.rows[row];
    char b[32];

    switch (col) {
    case C_TIME: snprintf(buf, n, "%s", fmt_time(b, sizeof b, v->created)); break;
    case C_NO: snprintf(buf, n, "%08" PRIu32, v->customer_no); break;
    case C_NAME: snprintf(buf, n, "%s", v->customer_name); break;
    case C_METER: snprintf(buf, n, "%08" PRIu32, v->meter_no); break;
    case C_OPER: snprintf(buf, n, "%s", v->operator_name); break;
    default:
        if (v->kind == KWH_EV_REISSUE)
            snprintf(buf, n, "%s %s", _("fee"), fmt_money(b, sizeof b, v->fee_fen));
        else
            snprintf(buf, n, "%s", v->after);
        break;
    }
}

static int load(struct app *a, void *st, struct kwh_err *e)
{
    struct qevents *s = st;
    const struct form *fm = &s->q.fm;
    char from[32], to[32];
    int rc;

    if (s->q.offset == 0) {
        memset(&s->filter, 0, sizeof s->filter);
        s->filter.kind = s->kind;
        s->filter.by_operator = s->f[F_OPER].on;
        str_copy(s->filter.operator_name, sizeof s->filter.operator_name, form_text(fm, F_OPER));
        if ((rc = qview_period(a, &s->q, &s->filter.period, e)) < 0)
            return rc;
        s->filter.by_date = rc == 1;
    }
    query_event_page_fini(&s->page);
    s->filter.limit = s->q.page;
    s->filter.offset = s->q.offset;
    if ((rc = query_events(a->core, &a->s, &s->filter, &s->page, e)) < 0)
        return rc;
    s->q.l.n = (int)s->page.n;
    s->q.total = s->page.total;
    snprintf(s->q.info, sizeof s->q.info, "%s - %s",
             fmt_time(from, sizeof from, s->page.period.from),
             fmt_time(to, sizeof to, s->page.period.to));
    return 0;
}

static void open_row(struct app *a, void *st, int row)
{
    struct qevents *s = st;
    const struct kwh_event *v = &s->page.rows[row];
    struct pairs p = {0};
    char b[32];

    pairs_add(&p, _("Time"), "%s", fmt_time(b, sizeof b, v->created));
    pairs_add(&p, _("Customer"), "%08" PRIu32 " %s", v->customer_no, v->customer_name);
    pairs_add(&p, _("Meter number"), "%08" PRIu32, v->meter_no);
    pairs_add(&p, _("Operator"), "%s", v->operator_name);
    if (v->kind == KWH_EV_REISSUE)
        pairs_add(&p, _("Reissue fee (yuan)"), "%s", fmt_money(b, sizeof b, v->fee_fen));
    pairs_add(&p, _("Before"), "%s", v->before);
    pairs_add(&p, _("After"), "%s", v->after);
    dialog_pairs(a, _(what(s->kind)), &p, NULL);
}

static int all_rows(struct app *a, void *ctx, struct table_sink *k, struct kwh_err *e)
{
    struct qevents *s = ctx;
    struct kwh_event_filter f = s->filter;
    struct kwh_event_page pg;
    int rc = 0, stop = 0;

    f.limit = KWH_PAGE_MAX;
    for (f.offset = 0; !stop; f.offset += KWH_PAGE_MAX) {
        if ((rc = query_events(a->core, &a->s, &f, &pg, e)) < 0)
            break;
        for (size_t i = 0; i < pg.n && !stop; i++) {
            s->cur = &pg.rows[i];
            stop = table_sink_row(k, cell, s, 0);
        }
        s->cur = NULL;
        stop = stop || pg.n < KWH_PAGE_MAX;
        query_event_page_fini(&pg);
    }
    return rc;
}

static void table(struct app *a, void *st, bool print, struct table_src *t)
{
    struct qevents *s = st;
    static const char *const names[] = {"transfers", "closings", "reissues", "meter-changes"};

    (void)a;
    (void)print;
    t->name = names[s->kind == KWH_EV_TRANSFER  ? 0
                    : s->kind == KWH_EV_CLOSE   ? 1
                    : s->kind == KWH_EV_REISSUE ? 2
                                                : 3];
    t->title = _(what(s->kind));
    t->subtitle = s->q.info;
    t->cols = cols;
    t->ncols = (int)KWH_ARRAY_LEN(cols);
    t->rows = all_rows;
    t->ctx = st;
}

static const struct qview_ops ops = {
    .cols = cols,
    .ncols = (int)KWH_ARRAY_LEN(cols),
    .cell = cell,
    .load = load,
    .open = open_row,
    .open_label = N_("Show"),
    .table = table,
};

static void qevents_enter(struct app *a, void *st, int arg)
{
    struct qevents *s = st;

    (void)a;
    s->kind = arg;
    s->f[F_OPER] = qview_operator_field(0, 0);
    qview_period_fields(&s->f[F_FROM], &s->f[F_TO], 0, 1);
    qview_init(&s->q, &ops, s, s->f, F_N, 2);
    qview_dates(&s->q, F_FROM, F_TO);
}

static void qevents_leave(struct app *a, void *st)
{
    (void)a;
    query_event_page_fini(&((struct qevents *)st)->page);
}

const struct screen scr_query_events = {
    .title = N_("Transfers"),
    .actions = QVIEW_ACTIONS,
    .submit_label = N_("Find"),
    .submit_now = qview_screen_submit,
    .state_size = sizeof(struct qevents),
    .enter = qevents_enter,
    .draw = qview_screen_draw,
    .action = qview_screen_action,
    .key = qview_screen_key,
    .leave = qevents_leave,
};
