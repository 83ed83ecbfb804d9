/* SPDX-License-Identifier: Apache-2.0 */
/* kwh-backends: sqlite pg (tests/run.sh runs this suite on SQLite and on PostgreSQL) */
/* Sales charts: the series of the last 30 days and 12 months (whole site, an area, an
 * operator) against the receipts of sales made on known days, and the drawing
 * arithmetic: the axis, the scaling to eighths, zero data, one huge day. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "kwhpos/chart.h"
#include "kwhpos/oversight.h"
#include "site.h"
#include "ops.h"

#define OK(call)                                                                                   \
    do {                                                                                           \
        struct kwh_err e_;                                                                         \
        e = &e_;                                                                                   \
        if ((call) < 0)                                                                            \
            fail_msg("%s: %s", #call, e_.msg);                                                     \
    } while (0)

static int64_t local(int y, int m, int d, int h)
{
    struct tm tm = {
        .tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d, .tm_hour = h, .tm_isdst = -1};
    return (int64_t)mktime(&tm);
}

static int64_t money(const struct kwh_receipt *r)
{
    return r->sale.amount_fen + r->sale.fee_fen + r->sale.arrears_fen;
}

/* A sale of ckwh at t (the meter loaded the card just before). */
static int64_t sell_at(struct site *s, const struct kwh_session *who, int64_t t, uint32_t no,
                       int64_t ckwh)
{
    struct kwh_purchase_req p = {KWH_BY_KWH, ckwh, 0, KWH_PAY_CASH, ""};
    struct kwh_receipt r;
    struct kwh_err e;
    s->now = t - 1;
    site_meter_loads(s, 1000);
    s->now = t;
    if (ops_sell(s->core, who, no, &p, &r, &e) < 0)
        fail_msg("sell: %s", e.msg);
    return money(&r);
}

static void chart_series__days_months_area_and_operator_from_the_sales(void **state)
{
    struct site *s = *state;
    struct kwh_chart_filter f;
    struct kwh_chart ch;
    struct kwh_err *e;
    struct kwh_account_req a = site_account(s, 20240001, "张三");
    struct kwh_purchase_req p = {KWH_BY_KWH, 1000, 0, KWH_PAY_CASH, ""};
    struct kwh_receipt r;
    int64_t area, other, m_open, m_nov4, m_nov5, m_dec1, m_dec4;
    uint32_t no;

    OK(area_add(s->core, &s->admin, 0, "园区A", &area, e));
    OK(area_add(s->core, &s->admin, 0, "园区B", &other, e));
    a.area_id = area;
    s->now = local(2026, 10, 20, 9);
    fakecard_blank(s->card);
    OK(ops_open(s->core, &s->admin, &a, &p, &r, e));
    no = r.customer.customer_no;
    m_open = money(&r);
    m_nov4 = sell_at(s, &s->admin, local(2026, 11, 4, 23), no, 2000);
    m_nov5 = sell_at(s, &s->admin, local(2026, 11, 5, 0), no, 3000);
    m_dec1 = sell_at(s, &s->admin, local(2026, 12, 1, 12), no, 4000);
    m_dec4 = sell_at(s, &s->seller, local(2026, 12, 4, 8), no, 5000);
    s->now = local(2026, 12, 4, 10);

    /* 30 days: 11-05 .. 12-04, the day before left out */
    memset(&f, 0, sizeof f);
    OK(chart_sales(s->core, &s->admin, &f, &ch, e));
    assert_int_equal(ch.n, KWH_CHART_DAYS_N);
    assert_int_equal(ch.pt[0].period.from, local(2026, 11, 5, 0));
    assert_int_equal(ch.pt[29].period.to, local(2026, 12, 5, 0));
    assert_int_equal(ch.pt[0].count, 1);
    assert_int_equal(ch.pt[0].energy_ckwh, 3000);
    assert_int_equal(ch.pt[0].money_fen, m_nov5);
    assert_int_equal(ch.pt[26].money_fen, m_dec1);
    assert_int_equal(ch.pt[29].energy_ckwh, 5000);
    assert_int_equal(ch.pt[29].money_fen, m_dec4);
    assert_int_equal(ch.pt[15].count, 0);
    assert_int_equal(ch.total.count, 3);
    assert_int_equal(ch.total.money_fen, m_nov5 + m_dec1 + m_dec4);

    /* 12 months: 2026-01 .. 2026-12 */
    f.span = KWH_CHART_MONTHS;
    OK(chart_sales(s->core, &s->admin, &f, &ch, e));
    assert_int_equal(ch.n, KWH_CHART_MONTHS_N);
    assert_int_equal(ch.pt[0].period.from, local(2026, 1, 1, 0));
    assert_int_equal(ch.pt[9].money_fen, m_open);
    assert_int_equal(ch.pt[10].count, 2);
    assert_int_equal(ch.pt[10].money_fen, m_nov4 + m_nov5);
    assert_int_equal(ch.pt[11].energy_ckwh, 9000);
    assert_int_equal(ch.total.count, 5);

    /* an operator: the seller's one sale; an area: all of 园区A, none in 园区B */
    f.by_operator = true;
    snprintf(f.operator_name, sizeof f.operator_name, "clerk");
    OK(chart_sales(s->core, &s->admin, &f, &ch, e));
    assert_int_equal(ch.total.count, 1);
    assert_int_equal(ch.pt[11].money_fen, m_dec4);
    f.by_operator = false;
    f.by_area = true;
    f.area_id = area;
    OK(chart_sales(s->core, &s->admin, &f, &ch, e));
    assert_int_equal(ch.total.count, 5);
    f.area_id = other;
    OK(chart_sales(s->core, &s->admin, &f, &ch, e));
    assert_int_equal(ch.total.count, 0);
    assert_int_equal(ch.pt[11].money_fen, 0);

    /* a seller limited to 园区B sees nothing of 园区A's sales */
    OK(scope_set(s->core, &s->admin, "clerk", &other, 1, e));
    f.by_area = false;
    OK(chart_sales(s->core, &s->seller, &f, &ch, e));
    assert_int_equal(ch.total.count, 0);
    /* a span that is neither */
    f.span = 7;
    {
        struct kwh_err e2;
        assert_int_equal(chart_sales(s->core, &s->admin, &f, &ch, &e2), KWH_EINVAL);
    }
}

static void chart_axis__rounds_up_to_one_two_or_five(void **state)
{
    (void)state;
    assert_int_equal(chart_axis_top(0), 0);
    assert_int_equal(chart_axis_top(-5), 0);
    assert_int_equal(chart_axis_top(1), 1);
    assert_int_equal(chart_axis_top(3), 5);
    assert_int_equal(chart_axis_top(10), 10);
    assert_int_equal(chart_axis_top(11), 20);
    assert_int_equal(chart_axis_top(15001), 20000);
    assert_int_equal(chart_axis_top(30000), 50000);
    assert_int_equal(chart_axis_top(500001), 1000000);
    assert_true(chart_axis_top(INT64_MAX) == INT64_MAX);
}

static void chart_scale__eighths_rounded_zero_data_and_one_huge_day(void **state)
{
    int64_t v[5] = {0, 100, 50, 1, -30};
    int h[5];
    (void)state;

    /* 10 rows = 80 eighths; top 100 */
    chart_scale(v, 5, 10, 100, h);
    assert_int_equal(h[0], 0);
    assert_int_equal(h[1], 80);
    assert_int_equal(h[2], 40);
    assert_int_equal(h[3], 1); /* 0.8 eighths rounds to 1 */
    assert_int_equal(h[4], 0); /* a net refund draws nothing */
    /* zero data: no bar, and no division by a zero top */
    memset(v, 0, sizeof v);
    chart_scale(v, 5, 10, chart_axis_top(0), h);
    for (int i = 0; i < 5; i++)
        assert_int_equal(h[i], 0);
    /* one huge day: it fills the chart, the small ones still show one eighth */
    v[0] = 1000;
    v[1] = INT64_MAX / 3;
    v[2] = 2;
    chart_scale(v, 5, 10, chart_axis_top(v[1]), h);
    assert_true(h[1] >= 40 && h[1] <= 80);
    assert_int_equal(h[0], 1);
    assert_int_equal(h[2], 1);
    assert_int_equal(h[3], 0);
    /* the largest possible value against itself: full, no overflow */
    v[0] = INT64_MAX;
    chart_scale(v, 1, 10, INT64_MAX, h);
    assert_int_equal(h[0], 80);
    /* a value above the top is cut at the top */
    v[0] = 300;
    chart_scale(v, 1, 4, 100, h);
    assert_int_equal(h[0], 32);
}

static void chart_glyph__full_partial_and_empty_rows(void **state)
{
    (void)state;
    /* 20 eighths: two full rows and a half */
    assert_string_equal(chart_glyph(20, 0), "█");
    assert_string_equal(chart_glyph(20, 1), "█");
    assert_string_equal(chart_glyph(20, 2), "▄");
    assert_string_equal(chart_glyph(20, 3), " ");
    assert_string_equal(chart_glyph(1, 0), "▁");
    assert_string_equal(chart_glyph(7, 0), "▇");
    assert_string_equal(chart_glyph(8, 0), "█");
    assert_string_equal(chart_glyph(8, 1), " ");
    assert_string_equal(chart_glyph(0, 0), " ");
}

int main(void)
{
    setenv("TZ", "Asia/Shanghai", 1);
    tzset();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(chart_series__days_months_area_and_operator_from_the_sales,
                                        site_setup, site_teardown),
        cmocka_unit_test(chart_axis__rounds_up_to_one_two_or_five),
        cmocka_unit_test(chart_scale__eighths_rounded_zero_data_and_one_huge_day),
        cmocka_unit_test(chart_glyph__full_partial_and_empty_rows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
