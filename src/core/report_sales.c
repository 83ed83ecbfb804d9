/* SPDX-License-Identifier: Apache-2.0 */
/* The purchase reports of M21: 段时期报表 (one period), 日报表 (per day), 月报表 (per
 * month), with totals by kind and by payment method. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

/* A row that is a local month is read as the whole UTC month nearest to it
 * (sales_sum_month) with its two edges put right from the hours between the month's
 * bounds and the row's (sales_sum: a few hours each, added where the row starts earlier
 * or ends later, taken off where the month does); the months of neighbouring rows are one
 * range scan. Any other row is its whole UTC days (sales_sum_day) and the hours at its
 * edges; hours (or days) that follow each other, across rows too, are one range scan.
 * Every row a scan returns is added to its report row here: no statement per row, no
 * GROUP BY sorting in the database. A local day in a zone east or west of UTC holds no
 * whole UTC day, so a daily report is one scan of the hours. */
struct scan {
    struct kwh_core *c;
    struct kwh_sales_report *r;
    const char *opname;
    int64_t lo[3], hi[3]; /* the run of units pending a scan, by enum store_sum_unit */
    int64_t *mlo, *mhi;   /* each row's UTC months (mlo == mhi: none) */
    size_t row;           /* a correction's row */
    int sign;             /* and its sign */
};

static void add_signed(struct kwh_sales_report *r, size_t row, int sign, int kind, int pay,
                       const struct store_sums *m)
{
    struct store_sums x = *m;
    if (sign < 0)
        x = (struct store_sums){-m->n,          -m->energy_ckwh, -m->adjust_ckwh, -m->free_ckwh,
                                -m->amount_fen, -m->fee_fen,     -m->arrears_fen};
    query_add_sums(&r->rows[row].t, &x);
    add_group(r, kind, pay, &x);
}

/* A unit inside the report: to the row that holds time t. */
static int add_at(struct kwh_sales_report *r, int64_t t, int kind, int pay,
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
    if (lo < r->n && r->rows[lo].period.from <= t)
        add_signed(r, lo, 1, kind, pay, m);
    return 0;
}

static int add_hour(void *ctx, int64_t hour, int kind, int pay, const struct store_sums *m)
{
    return add_at(((struct scan *)ctx)->r, hour * HOUR, kind, pay, m);
}

static int add_day(void *ctx, int64_t day, int kind, int pay, const struct store_sums *m)
{
    return add_at(((struct scan *)ctx)->r, day * DAY, kind, pay, m);
}

static int add_month(void *ctx, int64_t month, int kind, int pay, const struct store_sums *m)
{
    struct scan *sc = ctx;
    for (size_t i = 0; i < sc->r->n; i++)
        if (sc->mlo[i] <= month && month < sc->mhi[i]) {
            add_signed(sc->r, i, 1, kind, pay, m);
            break;
        }
    return 0;
}

static int add_correction(void *ctx, int64_t hour, int kind, int pay, const struct store_sums *m)
{
    struct scan *sc = ctx;
    (void)hour;
    add_signed(sc->r, sc->row, sc->sign, kind, pay, m);
    return 0;
}

static const store_unit_fn adders[] = {add_hour, add_day, add_month};

static int flush(struct scan *sc, int unit, struct kwh_err *e)
{
    int rc = 0;
    if (sc->lo[unit] < sc->hi[unit])
        rc = store_sales_sum_scan(sc->c->db, unit, sc->lo[unit], sc->hi[unit], sc->opname,
                                  adders[unit], sc, e);
    sc->lo[unit] = sc->hi[unit] = 0;
    return rc;
}

/* Units [from, to) joined to the pending run of their kind, or that run scanned first. */
static int take(struct scan *sc, int unit, int64_t from, int64_t to, struct kwh_err *e)
{
    int rc;
    if (from >= to)
        return 0;
    if (sc->hi[unit] != from && (rc = flush(sc, unit, e)) < 0)
        return rc;
    if (sc->lo[unit] == sc->hi[unit])
        sc->lo[unit] = from;
    sc->hi[unit] = to;
    return 0;
}

static int64_t floor_to(int64_t t, int64_t unit)
{
    return t >= 0 ? t / unit * unit : -((-t + unit - 1) / unit) * unit;
}

/* Seconds [a, b) (on whole hours) inside a row: its whole UTC days and the hours at its
 * edges. */
static int take_span(struct scan *sc, int64_t a, int64_t b, struct kwh_err *e)
{
    int64_t ad = floor_to(a + DAY - 1, DAY), bd = floor_to(b, DAY);
    int rc;
    if (ad >= bd)
        return take(sc, STORE_SUM_HOUR, a / HOUR, b / HOUR, e);
    if ((rc = take(sc, STORE_SUM_HOUR, a / HOUR, ad / HOUR, e)) < 0 ||
        (rc = take(sc, STORE_SUM_DAY, ad / DAY, bd / DAY, e)) < 0)
        return rc;
    return take(sc, STORE_SUM_HOUR, bd / HOUR, b / HOUR, e);
}

/* Seconds [a, b) outside the row sc->row taken off it: its whole UTC days and the hours
 * at its edges, each scanned at once. */
static int take_off(struct scan *sc, int64_t a, int64_t b, struct kwh_err *e)
{
    int64_t ad = floor_to(a + DAY - 1, DAY), bd = floor_to(b, DAY);
    int rc;
    if (ad >= bd)
        return store_sales_sum_scan(sc->c->db, STORE_SUM_HOUR, a / HOUR, b / HOUR, sc->opname,
                                    add_correction, sc, e);
    if ((rc = store_sales_sum_scan(sc->c->db, STORE_SUM_HOUR, a / HOUR, ad / HOUR, sc->opname,
                                   add_correction, sc, e)) < 0 ||
        (rc = store_sales_sum_scan(sc->c->db, STORE_SUM_DAY, ad / DAY, bd / DAY, sc->opname,
                                   add_correction, sc, e)) < 0)
        return rc;
    return store_sales_sum_scan(sc->c->db, STORE_SUM_HOUR, bd / HOUR, b / HOUR, sc->opname,
                                add_correction, sc, e);
}

/* The edge between a row's bound t and its month's bound u: the hours of [t, u) added to
 * row i when the row starts earlier (sign 1), those of [u, t) taken off when it starts
 * later; at the row's end the other way round (end: sign -1 for [t, u)). */
static int correct(struct scan *sc, size_t i, int64_t t, int64_t u, bool end, struct kwh_err *e)
{
    int sign = (t < u) != end ? 1 : -1;
    if (t == u)
        return 0;
    if (sign > 0 && !end)
        return take_span(sc, t, u, e); /* inside the row */
    if (sign > 0)
        return take_span(sc, u, t, e);
    sc->row = i;
    sc->sign = -1;
    return take_off(sc, t < u ? t : u, t < u ? u : t, e);
}

/* Months since January 1970 of UTC time t, and back. */
static int64_t month_of(int64_t t)
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    return (int64_t)(tm.tm_year - 70) * 12 + tm.tm_mon;
}

static int64_t month_start(int64_t m)
{
    struct tm tm = {.tm_year = (int)(70 + m / 12), .tm_mon = (int)(m % 12), .tm_mday = 1};
    return (int64_t)timegm(&tm);
}

/* The UTC month boundary nearest to t. */
static int64_t nearest_month(int64_t t)
{
    int64_t m = month_of(t);
    return t - month_start(m) <= month_start(m + 1) - t ? m : m + 1;
}

static int from_summaries(struct kwh_core *c, const struct store_sale_q *q,
                          struct kwh_sales_report *r, struct kwh_err *e)
{
    struct scan sc = {.c = c, .r = r, .opname = q->operator_name};
    int rc = 0;

    sc.mlo = calloc(r->n + 1, sizeof *sc.mlo);
    sc.mhi = calloc(r->n + 1, sizeof *sc.mhi);
    if (sc.mlo == NULL || sc.mhi == NULL) {
        rc = kwh_err_set(e, KWH_ENOMEM, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < r->n && rc == 0; i++) {
        int64_t a = r->rows[i].period.from, b = r->rows[i].period.to;
        int64_t ma = nearest_month(a), mb = nearest_month(b);
        if (ma < mb && b - a >= 27 * DAY) {
            sc.mlo[i] = ma;
            sc.mhi[i] = mb;
            if ((rc = take(&sc, STORE_SUM_MONTH, ma, mb, e)) == 0 &&
                (rc = correct(&sc, i, a, month_start(ma), false, e)) == 0)
                rc = correct(&sc, i, b, month_start(mb), true, e);
        } else {
            rc = take_span(&sc, a, b, e);
        }
    }
    for (int u = STORE_SUM_HOUR; u <= STORE_SUM_MONTH && rc == 0; u++)
        rc = flush(&sc, u, e);
out:
    free(sc.mlo);
    free(sc.mhi);
    return rc;
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
