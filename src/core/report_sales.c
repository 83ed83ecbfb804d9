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
