/* SPDX-License-Identifier: Apache-2.0 */
/* 过户查询, 销户查询, 补卡查询, 换表查询 (M22-M25): what happened to accounts, by operator
 * and period, each behind its own box; none ticked = today. One screen, the kind of
 * event given by the menu (enum kwh_event_kind). Enter shows before and after. */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kwhpos/util.h"
#include "ui/parts.h"
#include "ui/area_pick.h"
#include "ui/qview.h"
#include "kwhpos/query.h"

enum { F_OPER, F_FROM, F_TO, F_AREA, F_N };
enum { C_TIME, C_NO, C_NAME, C_METER, C_OPER, C_AFTER };

struct qevents {
    struct qview q; /* first: the qview_screen_* callbacks */
    int kind;
    struct field f[F_N];
    struct kwh_event_filter filter;
    struct kwh_event_page page;
    const struct kwh_event *cur; /* the row being printed or exported */
    struct area_pick ap;
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

/* The record's before or after ("status=refunded balance=0 meter=20240001", kept as
 * written for the log and the command line) in words for the clerk: "状态 已退电；余额
 * 0.00 kWh；表号 20240001". Unknown keys are left as they are. */
static const struct {
    const char *key, *label;
    char kind; /* t: text, e: energy (ckwh), m: money (fen), s: status, c: consumed, y:
                  meter type, a: amperes, f: flag */
} ev_keys[] = {
    {"name", N_("Name"), 't'},
    {"address", N_("Address"), 't'},
    {"phone", N_("Phone"), 't'},
    {"status", N_("Status"), 's'},
    {"balance", N_("Balance kWh"), 'e'},
    {"meter", N_("Meter number"), 't'},
    {"type", N_("Meter type"), 'y'},
    {"limit", N_("Current limit (A)"), 'a'},
    {"remaining", N_("Remaining in the meter (kWh)"), 'e'},
    {"carried", N_("Carried to the new meter (kWh)"), 'e'},
    {"bought", N_("Loaded with the change (kWh)"), 'e'},
    {"generation", N_("Card generation"), 't'},
    {"consumed", N_("Consumption state"), 'c'},
    {"fee", N_("Reissue fee (yuan)"), 'm'},
    {"forced", N_("closed by an administrator with energy left"), 'f'},
};

/* Where the next "key=" of ev_keys starts in p (at its start or after a space), and
 * which key, or NULL. */
static const char *next_key(const char *p, bool at_start, int *which)
{
    for (const char *q = p; *q != '\0'; q++) {
        if (!(q == p && at_start) && *q != ' ')
            continue;
        const char *k = *q == ' ' ? q + 1 : q;
        for (int i = 0; i < (int)KWH_ARRAY_LEN(ev_keys); i++) {
            size_t len = strlen(ev_keys[i].key);
            if (strncmp(k, ev_keys[i].key, len) == 0 && k[len] == '=') {
                *which = i;
                return q;
            }
        }
    }
    return NULL;
}

static void ev_value(int i, const char *v, char *out, size_t n)
{
    char b[48];
    long long x = strtoll(v, NULL, 10);

    switch (ev_keys[i].kind) {
    case 'e':
        snprintf(out, n, "%s", fmt_energy(b, sizeof b, x));
        break; /* the label has the unit */
    case 'm': snprintf(out, n, "%s", fmt_money(b, sizeof b, x)); break;
    case 's': snprintf(out, n, "%s", kwh_trc("status", v)); break;
    case 'c': snprintf(out, n, "%s", _(label_consumed_items[x ? 0 : 1])); break;
    case 'y':
        snprintf(out, n, "%s",
                 x >= 1 && x <= KWH_METER_TYPES ? _(label_meter_type_items()[x - 1]) : v);
        break;
    case 'a': snprintf(out, n, "%lld A", x); break;
    default: snprintf(out, n, "%s", v); break;
    }
}

static void event_words(const char *kv, char *buf, size_t n)
{
    const char *p = kv, *end;
    size_t used = 0;
    int which, next;

    buf[0] = '\0';
    if ((p = next_key(kv, true, &which)) == NULL || p != kv) {
        snprintf(buf, n, "%s", kv); /* not in the known form: as it is */
        return;
    }
    while (p != NULL && used < n) {
        char value[128], words[192];
        const char *v;
        if (*p == ' ')
            p++;
        v = p + strlen(ev_keys[which].key) + 1;
        end = next_key(v, false, &next);
        snprintf(value, sizeof value, "%.*s", (int)((end ? end : v + strlen(v)) - v), v);
        if (ev_keys[which].kind == 'f')
            snprintf(words, sizeof words, "%s", _(ev_keys[which].label));
        else {
            char shown[128];
            ev_value(which, value, shown, sizeof shown);
            snprintf(words, sizeof words, "%s %s", _(ev_keys[which].label), shown);
        }
        int k = snprintf(buf + used, n - used, "%s%s", used ? _("; ") : "", words);
        if (k < 0)
            break;
        used += (size_t)k;
        p = end;
        which = next;
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
            event_words(v->after, buf, n);
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
        s->filter.by_area = s->f[F_AREA].on;
        s->filter.area_id = area_pick_id(&s->ap, &s->f[F_AREA]);
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
             qview_period_end(s->page.period.to, to, sizeof to));
    return 0;
}

static void open_row(struct app *a, void *st, int row)
{
    struct qevents *s = st;
    const struct kwh_event *v = &s->page.rows[row];
    struct pairs p = {0};
    char b[32], words[sizeof p.value[0]];

    pairs_add(&p, _("Time"), "%s", fmt_time(b, sizeof b, v->created));
    pairs_add(&p, _("Customer"), "%08" PRIu32 " %s", v->customer_no, v->customer_name);
    pairs_add(&p, _("Meter number"), "%08" PRIu32, v->meter_no);
    pairs_add(&p, _("Operator"), "%s", v->operator_name);
    if (v->kind == KWH_EV_REISSUE)
        pairs_add(&p, _("Reissue fee (yuan)"), "%s", fmt_money(b, sizeof b, v->fee_fen));
    event_words(v->before, words, sizeof words);
    pairs_add(&p, _("Before"), "%s", words);
    event_words(v->after, words, sizeof words);
    pairs_add(&p, _("After"), "%s", words);
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
    qview_table(&s->q, t,
                names[s->kind == KWH_EV_TRANSFER  ? 0
                      : s->kind == KWH_EV_CLOSE   ? 1
                      : s->kind == KWH_EV_REISSUE ? 2
                                                  : 3],
                _(what(s->kind)), all_rows);
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

    s->kind = arg;
    s->f[F_OPER] = qview_operator_field(0, 0);
    qview_period_fields(&s->f[F_FROM], &s->f[F_TO], 0, 1);
    s->f[F_AREA] = (struct field){.label = N_("Area"), .row = 1, .check = true};
    area_pick_load(a, &s->ap, &s->f[F_AREA], 0);
    qview_init(&s->q, &ops, s, s->f, F_N, 2);
    qview_dates(&s->q, F_FROM, F_TO);
}

static void qevents_leave(struct app *a, void *st)
{
    (void)a;
    query_event_page_fini(&((struct qevents *)st)->page);
    area_pick_fini(&((struct qevents *)st)->ap);
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
