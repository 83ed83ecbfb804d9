/* SPDX-License-Identifier: Apache-2.0 */
/* The purchase reports of M21: 段时期报表 (one period), 日报表 (per day), 月报表 (per
 * month), with totals by kind and by payment method. */
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "core/query_int.h"
#include "store/store.h"
#include "kwhpos/oversight.h"
#include "store/store_query.h"

/* The next bucket boundary after t: the next local day or month. */
static int64_t next_edge(int64_t t, int group)
{
    return group == KWH_GROUP_DAY ? period_day(t).to : period_month(t).to;
}

static int add_group(void *ctx, int kind, int pay, const struct store_sums *m)
{
    struct kwh_sales_report *r = ctx;
    if (kind >= 0 && kind < (int)(sizeof r->by_kind / sizeof r->by_kind[0]))
        query_add_sums(&r->by_kind[kind], m);
    if (pay >= 0 && pay < KWH_PAY_COUNT)
        query_add_sums(&r->by_pay[pay], m);
    query_add_sums(&r->totals, m);
    return 0;
}

static int buckets(struct kwh_sales_report *r, struct kwh_err *e)
{
    size_t n = 0, cap = 0;
    int64_t t = r->period.from;

    while (t < r->period.to) {
        int64_t end = r->group == KWH_GROUP_PERIOD ? r->period.to : next_edge(t, r->group);
        if (end > r->period.to)
            end = r->period.to;
        if (n == KWH_REPORT_MAX_ROWS)
            return kwh_err_set(e, KWH_EINVAL,
                               "the period is too long for one report (at most "
                               "%d rows): choose a shorter one or a monthly report",
                               KWH_REPORT_MAX_ROWS);
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 32;
            struct kwh_report_row *nr = realloc(r->rows, ncap * sizeof *nr);
            if (nr == NULL)
                return kwh_err_set(e, KWH_ENOMEM, "out of memory");
            r->rows = nr;
            cap = ncap;
        }
        memset(&r->rows[n], 0, sizeof r->rows[n]);
        r->rows[n].period = (struct kwh_period){t, end};
        n++;
        r->n = n;
        t = end;
    }
    return 0;
}

/* --- the report from the summaries, in one pass -------------------------------------------- */

#define HOUR 3600
#define DAY 86400

/* Each bucket is read as its whole UTC days (sales_sum_day) and the hours at its edges
 * (sales_sum); hours (or days) that follow each other, across buckets too, are one range
 * scan, and every row a scan returns is added to its bucket here: no statement per
 * bucket, no GROUP BY sorting in the database. A local day in a zone east or west of UTC
 * holds no whole UTC day, so a daily report is one scan of the hours; a month holds
 * about 29 whole days and two edges of hours. */
struct scan {
    struct kwh_core *c;
    struct kwh_sales_report *r;
    const char *opname;
    int64_t lo[2], hi[2]; /* the run of units pending a scan: [0] hours, [1] days */
};

static int add_unit(struct kwh_sales_report *r, int64_t t, int kind, int pay,
                    const struct store_sums *m)
{
    size_t lo = 0, hi = r->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (r->rows[mid].period.to <= t)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == r->n || r->rows[lo].period.from > t)
        return 0; /* outside the report (not asked for) */
    query_add_sums(&r->rows[lo].t, m);
    return add_group(r, kind, pay, m);
}

static int add_hour(void *ctx, int64_t hour, int kind, int pay, const struct store_sums *m)
{
    return add_unit(ctx, hour * HOUR, kind, pay, m);
}

static int add_day(void *ctx, int64_t day, int kind, int pay, const struct store_sums *m)
{
    return add_unit(ctx, day * DAY, kind, pay, m);
}

static int flush(struct scan *sc, int days, struct kwh_err *e)
{
    int rc = 0;
    if (sc->lo[days] < sc->hi[days])
        rc = store_sales_sum_scan(sc->c->db, days, sc->lo[days], sc->hi[days], sc->opname,
                                  days ? add_day : add_hour, sc->r, e);
    sc->lo[days] = sc->hi[days] = 0;
    return rc;
}

/* Seconds [from, to) (on whole units) joined to the pending run, or scanned first. */
static int take(struct scan *sc, int days, int64_t from, int64_t to, struct kwh_err *e)
{
    int64_t unit = days ? DAY : HOUR;
    int rc;
    if (from >= to)
        return 0;
    if (sc->hi[days] != from / unit && (rc = flush(sc, days, e)) < 0)
        return rc;
    if (sc->lo[days] == sc->hi[days])
        sc->lo[days] = from / unit;
    sc->hi[days] = to / unit;
    return 0;
}

static int64_t floor_to(int64_t t, int64_t unit)
{
    return t >= 0 ? t / unit * unit : -((-t + unit - 1) / unit) * unit;
}

static int from_summaries(struct kwh_core *c, const struct store_sale_q *q,
                          struct kwh_sales_report *r, struct kwh_err *e)
{
    struct scan sc = {.c = c, .r = r, .opname = q->operator_name};
    int rc;

    for (size_t i = 0; i < r->n; i++) {
        int64_t a = r->rows[i].period.from, b = r->rows[i].period.to;
        int64_t ad = floor_to(a + DAY - 1, DAY), bd = floor_to(b, DAY);
        if (ad >= bd)
            rc = take(&sc, 0, a, b, e);
        else if ((rc = take(&sc, 0, a, ad, e)) == 0 && (rc = take(&sc, 1, ad, bd, e)) == 0)
            rc = take(&sc, 0, bd, b, e);
        if (rc < 0)
            return rc;
    }
    if ((rc = flush(&sc, 0, e)) < 0)
        return rc;
    return flush(&sc, 1, e);
}

int report_sales(struct kwh_core *c, const struct kwh_session *s, const struct kwh_sale_filter *f,
                 int group, struct kwh_sales_report *out, struct kwh_err *e)
{
    struct store_sale_q q;
    char path[KWH_AREA_PATH_MAX];
    int rc;

    memset(out, 0, sizeof *out);
    if ((rc = need_operator(s, e)) < 0)
        return rc;
    if (group != KWH_GROUP_PERIOD && group != KWH_GROUP_DAY && group != KWH_GROUP_MONTH)
        return kwh_err_set(e, KWH_EINVAL, "choose a period, daily or monthly report");
    if ((rc = query_sale_q(c, s, f, &q, &out->period, path, sizeof path, e)) < 0)
        return rc;
    out->group = group;
    if (group == KWH_GROUP_DAY) {
        out->period.from = period_day(out->period.from).from;
        out->period.to = period_day(out->period.to - 1).to;
    } else if (group == KWH_GROUP_MONTH) {
        out->period.from = period_month(out->period.from).from;
        out->period.to = period_month(out->period.to - 1).to;
    }
    if ((rc = buckets(out, e)) < 0)
        goto fail;
    q.from = out->period.from;
    q.to = out->period.to;
    if (query_use_summary(&q)) {
        if ((rc = from_summaries(c, &q, out, e)) < 0)
            goto fail;
        return 0;
    }
    /* an account, an area, a scope or bounds off the hour: the sales themselves */
    for (size_t i = 0; i < out->n; i++) {
        q.from = out->rows[i].period.from;
        q.to = out->rows[i].period.to;
        if ((rc = query_totals(c, &q, &out->rows[i].t, e)) < 0)
            goto fail;
    }
    q.from = out->period.from;
    q.to = out->period.to;
    if ((rc = store_sales_sums(c->db, &q, query_use_summary(&q), true, add_group, out, e)) < 0)
        goto fail;
    return 0;
fail:
    report_sales_fini(out);
    return rc;
}

void report_sales_fini(struct kwh_sales_report *r)
{
    if (r == NULL)
        return;
    free(r->rows);
    memset(r, 0, sizeof *r);
}

int report_items(struct kwh_core *c, const struct kwh_session *s, const struct kwh_sale_filter *f,
                 struct kwh_item_total **out, size_t *n, struct kwh_err *e)
{
    struct store_sale_q q;
    struct kwh_period period;
    char path[KWH_AREA_PATH_MAX];
    int rc;

    *out = NULL;
    *n = 0;
    if ((rc = need_operator(s, e)) < 0 ||
        (rc = query_sale_q(c, s, f, &q, &period, path, sizeof path, e)) < 0)
        return rc;
    return store_items_sums(c->db, &q, out, n, e);
}
