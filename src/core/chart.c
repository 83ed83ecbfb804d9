/* SPDX-License-Identifier: Apache-2.0 */
/* Sales charts: the series of the last 30 days or 12 months, read through the purchase
 * reports (report_sales and its hourly summary, sales_sum), and the arithmetic of bars
 * drawn with block characters. */
#include <string.h>

#include "kwhpos/chart.h"
#include "kwhpos/util.h"

static void point_add(struct kwh_chart_point *p, const struct kwh_sale_totals *t)
{
    p->count += t->count;
    p->energy_ckwh += t->energy_ckwh;
    p->money_fen += t->amount_fen + t->fee_fen + t->arrears_fen;
}

int chart_sales(struct kwh_core *c, const struct kwh_session *s, const struct kwh_chart_filter *f,
                struct kwh_chart *out, struct kwh_err *e)
{
    struct kwh_sale_filter sf;
    struct kwh_sales_report r;
    bool days;
    size_t want;
    int64_t now = core_now(c), from;
    int rc;

    memset(out, 0, sizeof *out);
    if (f->span != KWH_CHART_DAYS && f->span != KWH_CHART_MONTHS)
        return kwh_err_set(e, KWH_EINVAL, "choose a chart of the last 30 days or 12 months");
    days = f->span == KWH_CHART_DAYS;
    want = days ? KWH_CHART_DAYS_N : KWH_CHART_MONTHS_N;
    /* step back by local days or months: a day is not always 86400 s */
    from = days ? period_day(now).from : period_month(now).from;
    for (size_t i = 1; i < want; i++)
        from = days ? period_day(from - 1).from : period_month(from - 1).from;
    memset(&sf, 0, sizeof sf);
    sf.by_date = true;
    sf.period.from = from;
    sf.period.to = days ? period_day(now).to : period_month(now).to;
    sf.by_area = f->by_area;
    sf.area_id = f->area_id;
    sf.by_operator = f->by_operator;
    str_copy(sf.operator_name, sizeof sf.operator_name, f->operator_name);
    if ((rc = report_sales(c, s, &sf, days ? KWH_GROUP_DAY : KWH_GROUP_MONTH, &r, e)) < 0)
        return rc;
    out->span = f->span;
    out->n = r.n < want ? r.n : want;
    for (size_t i = 0; i < out->n; i++) {
        out->pt[i].period = r.rows[i].period;
        point_add(&out->pt[i], &r.rows[i].t);
    }
    out->total.period = r.period;
    point_add(&out->total, &r.totals);
    report_sales_fini(&r);
    return 0;
}

int64_t chart_axis_top(int64_t max)
{
    static const int64_t steps[] = {1, 2, 5};
    int64_t p = 1;

    if (max <= 0)
        return 0;
    for (;;) {
        for (size_t i = 0; i < KWH_ARRAY_LEN(steps); i++)
            if (steps[i] * p >= max)
                return steps[i] * p;
        if (p > INT64_MAX / 50)
            return max;
        p *= 10;
    }
}

void chart_scale(const int64_t *v, size_t n, int rows, int64_t top, int *eighths)
{
    int64_t units = rows > 0 ? (int64_t)rows * 8 : 0;

    for (size_t i = 0; i < n; i++) {
        int64_t x = v[i], t = top, h;
        if (x <= 0 || t <= 0 || units == 0) {
            eighths[i] = 0;
            continue;
        }
        if (x > t)
            x = t;
        /* x * units must not overflow: shrink both alike (the ratio is what counts) */
        while (x > INT64_MAX / units || t > INT64_MAX / 2) {
            x /= 2;
            t /= 2;
        }
        h = (x * units + t / 2) / t;
        eighths[i] = (int)(h < 1 ? 1 : h > units ? units : h);
    }
}

const char *chart_glyph(int eighths, int row)
{
    static const char *const part[8] = {" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇"};
    int below = row * 8;

    if (eighths >= below + 8)
        return "█";
    if (eighths <= below)
        return " ";
    return part[eighths - below];
}
