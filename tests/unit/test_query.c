/* SPDX-License-Identifier: Apache-2.0 */
/* kwh-backends: sqlite pg (tests/run.sh runs this suite on SQLite and on PostgreSQL) */
/* kwh-layouts: kwh1 (tests/run.sh --layout runs it in another card layout) */
/* Queries and reports (M20-M25) and the shift report (B7) against a real database: the
 * sums are checked against totals the test adds up itself from the receipts. Local time
 * is Asia/Shanghai (UTC+8) so day and month boundaries are not UTC's. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "fakecard.h"
#include "kwhpos/core.h"
#include "kwhpos/query.h"
#include "kwhpos/units.h"
#include "check.h"
#include "site.h"
#include "ops.h"

#define OK(call)                                                                                   \
    do {                                                                                           \
        struct kwh_err e_;                                                                         \
        kwh_err_clear(&e_);                                                                        \
        if ((call) < 0)                                                                            \
            fail_msg("%s: %s", #call, e_.msg);                                                     \
    } while (0)

/* Local time (Asia/Shanghai). */
static int64_t local(int y, int m, int d, int h, int mi, int sec)
{
    struct tm tm = {.tm_year = y - 1900,
                    .tm_mon = m - 1,
                    .tm_mday = d,
                    .tm_hour = h,
                    .tm_min = mi,
                    .tm_sec = sec,
                    .tm_isdst = -1};
    return (int64_t)mktime(&tm);
}

static struct kwh_purchase_req by_kwh(int64_t ckwh, int pay)
{
    return (struct kwh_purchase_req){KWH_BY_KWH, ckwh, 0, pay, ""};
}

/* What the test adds up from its own receipts. */
struct tally {
    int64_t count, energy, adjust, free, amount, fee;
};

static void tally_add(struct tally *t, const struct kwh_sale *s)
{
    t->count++;
    t->energy += s->energy_ckwh;
    t->adjust += s->adjust_ckwh;
    t->free += s->free_ckwh;
    t->amount += s->amount_fen;
    t->fee += s->fee_fen;
}

static void assert_totals(const struct kwh_sale_totals *got, const struct tally *want)
{
    assert_int_equal(got->count, want->count);
    assert_int_equal(got->energy_ckwh, want->energy);
    assert_int_equal(got->adjust_ckwh, want->adjust);
    assert_int_equal(got->free_ckwh, want->free);
    assert_int_equal(got->amount_fen, want->amount);
    assert_int_equal(got->fee_fen, want->fee);
}

/* Opens an account at time t (a new blank card) with a purchase; adds it to the tally. */
static uint32_t open_at(struct site *s, const struct kwh_session *who, int64_t t, uint32_t meter,
                        const char *name, int64_t ckwh, struct tally *tl)
{
    struct kwh_account_req a = site_account(s, meter, name);
    struct kwh_purchase_req p = by_kwh(ckwh, KWH_PAY_CASH);
    struct kwh_receipt r;
    struct kwh_err e;
    if (ckwh == 0)
        p.mode = KWH_BY_NONE;
    s->now = t;
    fakecard_blank(s->card);
    if (ops_open(s->core, who, &a, &p, &r, &e) < 0)
        fail_msg("open: %s", e.msg);
    if (tl)
        tally_add(tl, &r.sale);
    return r.customer.customer_no;
}

/* The meter loads what is on the card in the reader, then a sale at time t. */
static struct kwh_sale sell_at(struct site *s, const struct kwh_session *who, int64_t t,
                               uint32_t no, struct kwh_purchase_req p, struct tally *tl)
{
    struct kwh_receipt r;
    struct kwh_err e;
    s->now = t - 1;
    site_meter_loads(s, 1000);
    s->now = t;
    if (ops_sell(s->core, who, no, &p, &r, &e) < 0)
        fail_msg("sell: %s", e.msg);
    if (tl)
        tally_add(tl, &r.sale);
    return r.sale;
}

static struct kwh_sale_filter period_filter(int64_t from, int64_t to)
{
    struct kwh_sale_filter f;
    memset(&f, 0, sizeof f);
    f.by_date = true;
    f.period.from = from;
    f.period.to = to;
    return f;
}

/* --- M21 sums ---------------------------------------------------------------------------- */

static void sales_report__sums_equal_the_receipts_added_up(void **state)
{
    struct site *s = *state;
    struct tally day1 = {0}, day2 = {0}, all = {0};
    struct kwh_sale_page pg;
    struct kwh_sales_report rep;
    struct kwh_err e;
    struct kwh_purchase_req p;

    uint32_t a =
        open_at(s, &s->seller, local(2026, 11, 10, 9, 0, 0), 10000001, "张三", 10000, &day1);
    p = by_kwh(3333, KWH_PAY_WECHAT);
    p.adjust_ckwh = 250;
    sell_at(s, &s->seller, local(2026, 11, 10, 15, 30, 0), a, p, &day1);
    p = (struct kwh_purchase_req){KWH_BY_AMOUNT, 5000, 0, KWH_PAY_ALIPAY, ""};
    sell_at(s, &s->admin, local(2026, 11, 10, 23, 59, 59), a, p, &day1);
    uint32_t b = open_at(s, &s->admin, local(2026, 11, 11, 0, 0, 0), 10000002, "李四", 777, &day2);
    sell_at(s, &s->seller, local(2026, 11, 11, 8, 0, 0), b, by_kwh(12345, KWH_PAY_CARD), &day2);
    all = day1;
    all.count += day2.count;
    all.energy += day2.energy;
    all.adjust += day2.adjust;
    all.amount += day2.amount;

    /* the listing and its totals */
    struct kwh_sale_filter f =
        period_filter(local(2026, 11, 10, 0, 0, 0), local(2026, 11, 12, 0, 0, 0));
    assert_int_equal(query_sales(s->core, &s->seller, &f, &pg, &e), 0);
    assert_int_equal(pg.n, 5);
    assert_totals(&pg.totals, &all);
    int64_t listed = 0;
    for (size_t i = 0; i < pg.n; i++)
        listed += pg.rows[i].amount_fen;
    assert_int_equal(listed, all.amount);
    assert_true(pg.rows[0].created <= pg.rows[4].created);
    query_sale_page_fini(&pg);

    /* the daily report: one row per day, split at local midnight */
    assert_int_equal(report_sales(s->core, &s->seller, &f, KWH_GROUP_DAY, &rep, &e), 0);
    assert_int_equal(rep.n, 2);
    assert_totals(&rep.rows[0].t, &day1);
    assert_totals(&rep.rows[1].t, &day2);
    assert_totals(&rep.totals, &all);
    assert_int_equal(rep.by_kind[KWH_OP_OPEN].count, 2);
    assert_int_equal(rep.by_kind[KWH_OP_SALE].count, 3);
    assert_int_equal(rep.by_pay[KWH_PAY_WECHAT].count, 1);
    assert_int_equal(rep.by_pay[KWH_PAY_CASH].count, 2);
    report_sales_fini(&rep);

    /* the monthly report of November holds the same */
    f = period_filter(local(2026, 11, 15, 0, 0, 0), local(2026, 11, 16, 0, 0, 0));
    assert_int_equal(report_sales(s->core, &s->seller, &f, KWH_GROUP_MONTH, &rep, &e), 0);
    assert_int_equal(rep.n, 1);
    assert_int_equal(rep.period.from, local(2026, 11, 1, 0, 0, 0));
    assert_int_equal(rep.period.to, local(2026, 12, 1, 0, 0, 0));
    assert_totals(&rep.totals, &all);
    report_sales_fini(&rep);
}

static void sales_report__summary_and_scan_agree_at_every_bound(void **state)
{
    struct site *s = *state;
    struct kwh_sales_report rep;
    struct kwh_sale_page pg;
    struct kwh_err e;
    struct tally tl = {0};

    uint32_t a = open_at(s, &s->seller, local(2026, 11, 20, 10, 0, 0), 20000001, "王五", 1000, &tl);
    for (int i = 1; i <= 6; i++)
        sell_at(s, &s->seller, local(2026, 11, 20, 10, 10 * i, i), a,
                by_kwh(100 * i + 7, i % KWH_PAY_COUNT), &tl);
    /* a bound off the hour is answered from the sales, bounds on the hour from the
       summary: the totals equal the rows listed either way */
    static const int tos[][2] = {{11, 0}, {11, 1}, {12, 0}};
    for (int m = 0; m < 70; m += 7) {
        for (size_t k = 0; k < 3; k++) {
            int64_t from = local(2026, 11, 20, 10, m, 0);
            int64_t to = local(2026, 11, 20, tos[k][0], tos[k][1], 0);
            struct kwh_sale_filter f = period_filter(from, to);
            struct kwh_sale_totals by_rows = {0};
            if (from >= to)
                continue;
            assert_int_equal(query_sales(s->core, &s->seller, &f, &pg, &e), 0);
            for (size_t i = 0; i < pg.n; i++) {
                by_rows.count++;
                by_rows.energy_ckwh += pg.rows[i].energy_ckwh;
                by_rows.amount_fen += pg.rows[i].amount_fen;
            }
            assert_int_equal(pg.totals.count, by_rows.count);
            assert_int_equal(pg.totals.energy_ckwh, by_rows.energy_ckwh);
            assert_int_equal(pg.totals.amount_fen, by_rows.amount_fen);
            query_sale_page_fini(&pg);
        }
    }
    struct kwh_sale_filter f =
        period_filter(local(2026, 11, 20, 0, 0, 0), local(2026, 11, 21, 0, 0, 0));
    assert_int_equal(report_sales(s->core, &s->seller, &f, KWH_GROUP_PERIOD, &rep, &e), 0);
    assert_totals(&rep.totals, &tl);
    report_sales_fini(&rep);
    f.period.to -= 1; /* off the hour: scanned */
    assert_int_equal(report_sales(s->core, &s->seller, &f, KWH_GROUP_PERIOD, &rep, &e), 0);
    assert_totals(&rep.totals, &tl);
    report_sales_fini(&rep);
}

static void sales_report__month_ends_and_empty_days(void **state)
{
    struct site *s = *state;
    struct kwh_sales_report rep;
    struct kwh_err e;
    struct tally nov = {0}, dec = {0};

    uint32_t a =
        open_at(s, &s->seller, local(2026, 11, 30, 23, 0, 0), 30000001, "赵六", 1000, &nov);
    sell_at(s, &s->seller, local(2026, 11, 30, 23, 59, 59), a, by_kwh(500, 0), &nov);
    sell_at(s, &s->seller, local(2026, 12, 1, 0, 0, 0), a, by_kwh(600, 0), &dec);
    struct kwh_sale_filter f =
        period_filter(local(2026, 11, 1, 0, 0, 0), local(2026, 12, 31, 0, 0, 0));
    assert_int_equal(report_sales(s->core, &s->seller, &f, KWH_GROUP_MONTH, &rep, &e), 0);
    assert_int_equal(rep.n, 2);
    assert_totals(&rep.rows[0].t, &nov);
    assert_totals(&rep.rows[1].t, &dec);
    report_sales_fini(&rep);
    f = period_filter(local(2026, 11, 28, 0, 0, 0), local(2026, 12, 3, 0, 0, 0));
    assert_int_equal(report_sales(s->core, &s->seller, &f, KWH_GROUP_DAY, &rep, &e), 0);
    assert_int_equal(rep.n, 5); /* 28, 29, 30, 1, 2: days without sales are rows too */
    assert_int_equal(rep.rows[0].t.count, 0);
    assert_int_equal(rep.rows[1].t.count, 0);
    assert_totals(&rep.rows[2].t, &nov);
    assert_totals(&rep.rows[3].t, &dec);
    assert_int_equal(rep.rows[4].t.count, 0);
    assert_int_equal(rep.rows[3].period.from, local(2026, 12, 1, 0, 0, 0));
    report_sales_fini(&rep);
}

static void same_totals(const struct kwh_sale_totals *x, const struct kwh_sale_totals *y)
{
    assert_int_equal(x->count, y->count);
    assert_int_equal(x->energy_ckwh, y->energy_ckwh);
    assert_int_equal(x->adjust_ckwh, y->adjust_ckwh);
    assert_int_equal(x->free_ckwh, y->free_ckwh);
    assert_int_equal(x->amount_fen, y->amount_fen);
    assert_int_equal(x->fee_fen, y->fee_fen);
    assert_int_equal(x->arrears_fen, y->arrears_fen);
}

/* The reports read from the summaries (whole UTC days and the hours at the edges, added
 * up in C) equal the same reports read from the sales (an account filter reads them),
 * row by row, over 13 months of sales at any hour, in zones east and west of UTC, with
 * summer time, and on UTC itself. */
static void sales_report__summaries_agree_with_the_sales(void **state)
{
    static const char *const zones[] = {"Asia/Shanghai", "UTC", "America/New_York", "Asia/Kolkata"};
    static const int groups[] = {KWH_GROUP_PERIOD, KWH_GROUP_DAY, KWH_GROUP_MONTH};
    struct site *s = *state;
    uint64_t x = 88172645463325252ull;
    int64_t first = local(2025, 10, 1, 0, 0, 0), when = first;
    uint32_t a = open_at(s, &s->seller, when, 40000001, "钱七", 1000, NULL);

    for (int i = 0; i < 30; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        when += 3600 + (int64_t)(x % (26 * 86400)); /* 13 months in all */
        sell_at(s, i % 3 ? &s->seller : &s->admin, when, a, by_kwh(100 + i, i % KWH_PAY_COUNT),
                NULL);
    }
    for (size_t z = 0; z < sizeof zones / sizeof zones[0]; z++) {
        setenv("TZ", zones[z], 1);
        tzset();
        for (size_t g = 0; g < sizeof groups / sizeof groups[0]; g++) {
            struct kwh_sales_report sum, scan;
            struct kwh_sale_filter f = period_filter(first - 86400, when + 86400);
            struct kwh_err e;
            assert_int_equal(report_sales(s->core, &s->admin, &f, groups[g], &sum, &e), 0);
            f.by_customer_no = true;
            f.customer_no = a;
            assert_int_equal(report_sales(s->core, &s->admin, &f, groups[g], &scan, &e), 0);
            assert_int_equal(sum.n, scan.n);
            assert_true(sum.totals.count == 31);
            same_totals(&sum.totals, &scan.totals);
            for (size_t i = 0; i < sum.n; i++) {
                assert_int_equal(sum.rows[i].period.from, scan.rows[i].period.from);
                same_totals(&sum.rows[i].t, &scan.rows[i].t);
            }
            for (int k = 0; k < KWH_OP_KINDS; k++)
                same_totals(&sum.by_kind[k], &scan.by_kind[k]);
            for (int p = 0; p < KWH_PAY_COUNT; p++)
                same_totals(&sum.by_pay[p], &scan.by_pay[p]);
            report_sales_fini(&sum);
            report_sales_fini(&scan);
            /* one operator's: the summaries keep them apart too */
            f.by_operator = true;
            snprintf(f.operator_name, sizeof f.operator_name, "system");
            assert_int_equal(report_sales(s->core, &s->admin, &f, groups[g], &scan, &e), 0);
            f.by_customer_no = false;
            assert_int_equal(report_sales(s->core, &s->admin, &f, groups[g], &sum, &e), 0);
            assert_true(sum.totals.count > 5 && sum.totals.count < 20);
            same_totals(&sum.totals, &scan.totals);
            for (size_t i = 0; i < sum.n; i++)
                same_totals(&sum.rows[i].t, &scan.rows[i].t);
            report_sales_fini(&sum);
            report_sales_fini(&scan);
        }
    }
    setenv("TZ", "Asia/Shanghai", 1);
    tzset();
}

/* A version-8 site with sales gains the monthly summary, filled from its sales: the
 * months' rows equal the sales, and a monthly report from it equals the one from the
 * sales; later sales are kept in it by the triggers. */
static void migration__version_8_fills_the_monthly_summary_from_the_sales(void **state)
{
    struct site *s = *state;
    struct kwh_sales_report sum, scan;
    struct kwh_err e;
    int64_t first = local(2026, 8, 31, 23, 0, 0);
    uint32_t a = open_at(s, &s->seller, first, 41000001, "孙八", 1000, NULL);

    sell_at(s, &s->seller, local(2026, 9, 30, 23, 30, 0), a, by_kwh(250, KWH_PAY_CASH), NULL);
    sell_at(s, &s->admin, local(2026, 10, 1, 7, 59, 0), a, by_kwh(375, KWH_PAY_WECHAT), NULL);
    sell_at(s, &s->seller, local(2026, 10, 31, 8, 0, 0), a, by_kwh(125, KWH_PAY_CARD), NULL);
    core_close(s->core);
    s->core = NULL;
    site_schema_back_to_8(s);
    s->core = site_open_again(s);
    assert_int_equal(site_q1(s, "SELECT count(*) FROM sales_sum_month"), 4);
    assert_int_equal(site_q1(s, "SELECT sum(n) FROM sales_sum_month"), 4);
    assert_int_equal(site_q1(s, "SELECT sum(energy_ckwh) FROM sales_sum_month"), 1750);
    assert_int_equal(site_q1(s, "SELECT sum(amount_fen) FROM sales_sum_month") -
                         site_q1(s, "SELECT sum(amount_fen) FROM sales WHERE state = 1"),
                     0);
    sell_at(s, &s->seller, local(2026, 11, 1, 0, 0, 0), a, by_kwh(500, KWH_PAY_CASH), NULL);
    assert_int_equal(site_q1(s, "SELECT sum(energy_ckwh) FROM sales_sum_month"), 2250);
    struct kwh_sale_filter f =
        period_filter(local(2026, 8, 1, 0, 0, 0), local(2026, 11, 30, 0, 0, 0));
    assert_int_equal(report_sales(s->core, &s->admin, &f, KWH_GROUP_MONTH, &sum, &e), 0);
    f.by_customer_no = true;
    f.customer_no = a;
    assert_int_equal(report_sales(s->core, &s->admin, &f, KWH_GROUP_MONTH, &scan, &e), 0);
    assert_int_equal(sum.n, 4);
    for (size_t i = 0; i < sum.n; i++)
        same_totals(&sum.rows[i].t, &scan.rows[i].t);
    assert_int_equal(sum.rows[1].t.energy_ckwh, 250);
    assert_int_equal(sum.rows[2].t.energy_ckwh, 500);
    report_sales_fini(&sum);
    report_sales_fini(&scan);
}

static void sales_query__each_filter_on_and_off(void **state)
{
    struct site *s = *state;
    struct kwh_sale_page pg;
    struct kwh_err e;
    int64_t day = local(2026, 11, 24, 0, 0, 0);

    uint32_t a = open_at(s, &s->seller, day + 3600, 40000001, "张三丰", 1000, NULL);
    sell_at(s, &s->admin, day + 7200, a, by_kwh(200, 0), NULL);
    uint32_t b = open_at(s, &s->admin, day + 10800, 40000002, "李白", 1000, NULL);
    s->now = day + 20000;

    struct kwh_sale_filter f;
    memset(&f, 0, sizeof f); /* none = today */
    assert_int_equal(query_sales(s->core, &s->seller, &f, &pg, &e), 0);
    assert_int_equal(pg.n, 3);
    assert_int_equal(pg.period.from, day);
    query_sale_page_fini(&pg);

    f.by_operator = true;
    strcpy(f.operator_name, "clerk");
    assert_int_equal(query_sales(s->core, &s->seller, &f, &pg, &e), 0);
    assert_int_equal(pg.n, 1);
    assert_int_equal(pg.totals.count, 1);
    assert_string_equal(pg.rows[0].operator_name, "clerk");
    query_sale_page_fini(&pg);
    f.by_operator = false;

    f.by_customer_no = true;
    f.customer_no = a;
    assert_int_equal(query_sales(s->core, &s->seller, &f, &pg, &e), 0);
    assert_int_equal(pg.n, 2);
    query_sale_page_fini(&pg);
    f.by_customer_no = false;

    f.by_meter_no = true;
    f.meter_no = 40000002;
    assert_int_equal(query_sales(s->core, &s->seller, &f, &pg, &e), 0);
    assert_int_equal(pg.n, 1);
    assert_int_equal(pg.rows[0].customer_no, b);
    query_sale_page_fini(&pg);
    f.by_meter_no = false;

    f.by_name = true;
    strcpy(f.name, "三");
    assert_int_equal(query_sales(s->core, &s->seller, &f, &pg, &e), 0);
    assert_int_equal(pg.n, 2);
    assert_int_equal(pg.totals.count, 2);
    query_sale_page_fini(&pg);
    strcpy(f.name, "%"); /* LIKE's own characters are plain text */
    assert_int_equal(query_sales(s->core, &s->seller, &f, &pg, &e), 0);
    assert_int_equal(pg.n, 0);
    query_sale_page_fini(&pg);
    f.by_name = false;

    /* yesterday: nothing */
    f.by_date = true;
    f.period = period_day(day - 1);
    assert_int_equal(query_sales(s->core, &s->seller, &f, &pg, &e), 0);
    assert_int_equal(pg.n, 0);
    assert_int_equal(pg.totals.count, 0);
    query_sale_page_fini(&pg);

    /* paging: totals over all, rows of the page */
    f.period = period_day(day);
    f.limit = 2;
    f.offset = 2;
    assert_int_equal(query_sales(s->core, &s->seller, &f, &pg, &e), 0);
    assert_int_equal(pg.n, 1);
    assert_int_equal(pg.totals.count, 3);
    query_sale_page_fini(&pg);
}

static void sales_query__refuses_bad_input(void **state)
{
    struct site *s = *state;
    struct kwh_sale_page pg;
    struct kwh_sales_report rep;
    struct kwh_session nobody = {0};
    struct kwh_sale_filter f = period_filter(100000, 50000);

    REFUSED(KWH_EINVAL, "ends before", query_sales(s->core, &s->seller, &f, &pg, &e_));
    f = period_filter(0, 100000);
    f.limit = KWH_PAGE_MAX + 1;
    REFUSED(KWH_EINVAL, "page size", query_sales(s->core, &s->seller, &f, &pg, &e_));
    f.limit = 0;
    f.offset = -1;
    REFUSED(KWH_EINVAL, "offset", query_sales(s->core, &s->seller, &f, &pg, &e_));
    f.offset = 0;
    f.by_customer_no = true;
    f.customer_no = 0;
    REFUSED(KWH_EINVAL, "customer number", query_sales(s->core, &s->seller, &f, &pg, &e_));
    f.by_customer_no = false;
    f.by_name = true;
    strcpy(f.name, "a\tb");
    REFUSED(KWH_EINVAL, "name", query_sales(s->core, &s->seller, &f, &pg, &e_));
    f.by_name = false;
    REFUSED(KWH_EPERM, "log in", query_sales(s->core, &nobody, &f, &pg, &e_));
    REFUSED(KWH_EINVAL, "daily", report_sales(s->core, &s->seller, &f, 7, &rep, &e_));
    f = period_filter(local(2000, 1, 1, 0, 0, 0), local(2026, 1, 1, 0, 0, 0));
    REFUSED(KWH_EINVAL, "too long",
            report_sales(s->core, &s->seller, &f, KWH_GROUP_DAY, &rep, &e_));
}

/* --- periods ------------------------------------------------------------------------------ */

static void period__parses_dates_months_and_times_in_local_time(void **state)
{
    int64_t a, b;
    struct kwh_period p;
    struct kwh_err e;
    char buf[32];
    (void)state;

    assert_int_equal(period_parse("2026-11-24", &a, &b, &e), 0);
    assert_int_equal(a, local(2026, 11, 24, 0, 0, 0));
    assert_int_equal(b, local(2026, 11, 25, 0, 0, 0));
    assert_int_equal(a % 86400, 16 * 3600); /* midnight in UTC+8 */
    assert_int_equal(period_parse("2026-02", &a, &b, &e), 0);
    assert_int_equal(b, local(2026, 3, 1, 0, 0, 0));
    assert_int_equal(period_parse("2026-12-31 23:59", &a, &b, &e), 0);
    assert_int_equal(a, local(2026, 12, 31, 23, 59, 0));
    assert_int_equal(b, local(2027, 1, 1, 0, 0, 0)); /* the minute named is included */
    assert_int_equal(period_parse("2024-02-29 08:30:15", &a, &b, &e), 0);
    assert_int_equal(b, a + 1);
    period_format_time(a, buf, sizeof buf);
    assert_string_equal(buf, "2024-02-29 08:30:15");

    REFUSED(KWH_EINVAL, "not a real date", period_parse("2026-02-30", &a, &b, &e_));
    REFUSED(KWH_EINVAL, "not a real date", period_parse("2025-02-29", &a, &b, &e_));
    REFUSED(KWH_EINVAL, "not a real date", period_parse("2026-13", &a, &b, &e_));
    REFUSED(KWH_EINVAL, "not a real date", period_parse("2026-11-24 24:00", &a, &b, &e_));
    REFUSED(KWH_EINVAL, "not a date", period_parse("24/11/2026", &a, &b, &e_));
    REFUSED(KWH_EINVAL, "not a date", period_parse("2026-1-5", &a, &b, &e_));
    REFUSED(KWH_EINVAL, "not a date", period_parse("2026-11-24x", &a, &b, &e_));
    REFUSED(KWH_EINVAL, "empty", period_parse("", &a, &b, &e_));

    int64_t now = local(2026, 11, 24, 15, 0, 0);
    assert_int_equal(period_from_text(NULL, NULL, now, &p, &e), 0);
    assert_int_equal(p.from, local(2026, 11, 24, 0, 0, 0));
    assert_int_equal(p.to, local(2026, 11, 25, 0, 0, 0));
    assert_int_equal(period_from_text("2026-11-01", "2026-11-30", now, &p, &e), 0);
    assert_int_equal(p.to, local(2026, 12, 1, 0, 0, 0));
    assert_int_equal(period_from_text("2026-11-20", NULL, now, &p, &e), 0);
    assert_int_equal(p.to, local(2026, 11, 25, 0, 0, 0));
    REFUSED(KWH_EINVAL, "before it begins",
            period_from_text("2026-11-30", "2026-11-01", now, &p, &e_));
    REFUSED(KWH_EINVAL, "to", period_from_text("2026-11-01", "2026-11-31", now, &p, &e_));
    period_format_day(local(2026, 1, 2, 0, 0, 0), buf, sizeof buf);
    assert_string_equal(buf, "2026-01-02");
    period_format_month(local(2026, 1, 2, 0, 0, 0), buf, sizeof buf);
    assert_string_equal(buf, "2026-01");
}

/* --- M20 --------------------------------------------------------------------------------- */

static void customers_query__each_filter_on_and_off(void **state)
{
    struct site *s = *state;
    struct kwh_customer_page pg;
    struct kwh_customer_filter f;
    struct kwh_err e;
    struct kwh_account_req req;
    struct kwh_purchase_req p = by_kwh(1000, 0);
    struct kwh_receipt r;

    uint32_t a = open_at(s, &s->seller, local(2026, 11, 1, 9, 0, 0), 50000001, "张三", 1000, NULL);
    uint32_t b =
        open_at(s, &s->seller, local(2026, 11, 5, 9, 0, 0), 50000002, "张小三", 1000, NULL);
    s->now = local(2026, 11, 6, 9, 0, 0);
    fakecard_blank(s->card);
    req = site_account(s, 50000003, "李四");
    req.tariff_id = s->tariff_shop;
    strcpy(req.address, "二号楼 202");
    assert_int_equal(ops_open(s->core, &s->seller, &req, &p, &r, &e), 0);
    uint32_t c3 = r.customer.customer_no;
    uint32_t d = open_at(s, &s->seller, local(2026, 11, 7, 9, 0, 0), 50000004, "王五", 1000, NULL);
    /* d is closed (after a forced closing by the admin) */
    assert_int_equal(ops_close(s->core, &s->admin, d, true, &e), 0);

    memset(&f, 0, sizeof f); /* none: every account that is not closed */
    assert_int_equal(query_customers(s->core, &s->seller, &f, &pg, &e), 0);
    assert_int_equal(pg.total, 3);
    assert_int_equal(pg.n, 3);
    assert_int_equal(pg.rows[0].customer_no, a);
    assert_int_equal(pg.rows[2].customer_no, c3);
    query_customer_page_fini(&pg);

    f.include_closed = true;
    assert_int_equal(query_customers(s->core, &s->seller, &f, &pg, &e), 0);
    assert_int_equal(pg.total, 4);
    query_customer_page_fini(&pg);
    f.include_closed = false;

    f.by_customer_no = true;
    f.customer_no = b;
    assert_int_equal(query_customers(s->core, &s->seller, &f, &pg, &e), 0);
    assert_int_equal(pg.total, 1);
    assert_string_equal(pg.rows[0].name, "张小三");
    query_customer_page_fini(&pg);
    f.customer_no = d; /* closed: not without include_closed */
    assert_int_equal(query_customers(s->core, &s->seller, &f, &pg, &e), 0);
    assert_int_equal(pg.total, 0);
    query_customer_page_fini(&pg);
    f.by_customer_no = false;

    f.by_meter_no = true;
    f.meter_no = 50000003;
    assert_int_equal(query_customers(s->core, &s->seller, &f, &pg, &e), 0);
    assert_int_equal(pg.total, 1);
    assert_int_equal(pg.rows[0].customer_no, c3);
    assert_true(query_customer_has_card(&pg.rows[0]));
    query_customer_page_fini(&pg);
    f.by_meter_no = false;

    f.by_name = true;
    strcpy(f.name, "三");
    assert_int_equal(query_customers(s->core, &s->seller, &f, &pg, &e), 0);
    assert_int_equal(pg.total, 2);
    query_customer_page_fini(&pg);
    f.by_name = false;

    f.by_tariff = true;
    f.tariff_id = s->tariff_shop;
    assert_int_equal(query_customers(s->core, &s->seller, &f, &pg, &e), 0);
    assert_int_equal(pg.total, 1);
    assert_int_equal(pg.rows[0].customer_no, c3);
    query_customer_page_fini(&pg);
    f.by_tariff = false;

    f.by_address = true;
    strcpy(f.address, "二号楼");
    assert_int_equal(query_customers(s->core, &s->seller, &f, &pg, &e), 0);
    assert_int_equal(pg.total, 1);
    query_customer_page_fini(&pg);
    f.by_address = false;

    f.by_last_purchase = true;
    f.last_purchase = (struct kwh_period){local(2026, 11, 2, 0, 0, 0), local(2026, 11, 6, 0, 0, 0)};
    assert_int_equal(query_customers(s->core, &s->seller, &f, &pg, &e), 0);
    assert_int_equal(pg.total, 1);
    assert_int_equal(pg.rows[0].customer_no, b);
    query_customer_page_fini(&pg);

    /* two filters together: both must hold */
    f.by_name = true;
    strcpy(f.name, "李");
    assert_int_equal(query_customers(s->core, &s->seller, &f, &pg, &e), 0);
    assert_int_equal(pg.total, 0);
    query_customer_page_fini(&pg);

    memset(&f, 0, sizeof f);
    f.limit = 2;
    f.offset = 2;
    assert_int_equal(query_customers(s->core, &s->seller, &f, &pg, &e), 0);
    assert_int_equal(pg.total, 3);
    assert_int_equal(pg.n, 1);
    query_customer_page_fini(&pg);

    f.by_last_purchase = true;
    f.last_purchase = (struct kwh_period){10, 5};
    REFUSED(KWH_EINVAL, "last purchase", query_customers(s->core, &s->seller, &f, &pg, &e_));
    memset(&f, 0, sizeof f);
    f.by_name = true;
    REFUSED(KWH_EINVAL, "name", query_customers(s->core, &s->seller, &f, &pg, &e_));
}

static int count_each(void *ctx, const struct kwh_customer *cu)
{
    (void)cu;
    ++*(int *)ctx;
    return 0;
}

static void customers_query__each_visits_every_match(void **state)
{
    struct site *s = *state;
    struct kwh_customer_filter f;
    struct kwh_err e;
    int n = 0;
    for (uint32_t i = 0; i < 5; i++)
        open_at(s, &s->seller, local(2026, 11, 1, 9, 0, (int)i), 60000001 + i, "甲", 100, NULL);
    memset(&f, 0, sizeof f);
    assert_int_equal(query_customers_each(s->core, &s->seller, &f, count_each, &n, &e), 0);
    assert_int_equal(n, 5);
}

/* Pages asked for by offset are read by key where they can be (the next page, the page
 * before, the second half from the end): whatever the order a screen asks in, each page
 * holds what the offset says, and a page by customer number (after_no) follows on. */
static void customers_query__pages_by_key_hold_what_the_offset_says(void **state)
{
    static const int64_t walk[] = {0, 3, 6, 9, 12, 9, 6, 3, 0, 12, 9, 3, 6, 6, 10, 2, 11, 13};
    struct site *s = *state;
    struct kwh_customer_filter f;
    struct kwh_customer_page pg;
    struct kwh_err e;
    uint32_t nos[13];

    for (uint32_t i = 0; i < 13; i++)
        nos[i] = open_at(s, &s->seller, local(2026, 11, 2, 9, 0, (int)i), 61000001 + i, "乙",
                         i == 6 ? 0 : 100, NULL);
    memset(&f, 0, sizeof f);
    f.limit = 3;
    for (size_t w = 0; w < sizeof walk / sizeof walk[0]; w++) {
        f.offset = walk[w];
        assert_int_equal(query_customers(s->core, &s->seller, &f, &pg, &e), 0);
        assert_int_equal(pg.total, 13);
        assert_int_equal(pg.n, f.offset >= 13 ? 0 : f.offset + 3 > 13 ? 13 - f.offset : 3);
        for (size_t i = 0; i < pg.n; i++)
            assert_int_equal(pg.rows[i].customer_no, nos[f.offset + (int64_t)i]);
        query_customer_page_fini(&pg);
    }
    /* by name (a count of the matches): the same */
    f.by_name = true;
    snprintf(f.name, sizeof f.name, "乙");
    for (size_t w = 0; w < sizeof walk / sizeof walk[0]; w++) {
        f.offset = walk[w];
        assert_int_equal(query_customers(s->core, &s->seller, &f, &pg, &e), 0);
        assert_int_equal(pg.total, 13);
        for (size_t i = 0; i < pg.n; i++)
            assert_int_equal(pg.rows[i].customer_no, nos[f.offset + (int64_t)i]);
        query_customer_page_fini(&pg);
    }
    f.offset = 0;
    f.after_no = nos[4];
    assert_int_equal(query_customers(s->core, &s->seller, &f, &pg, &e), 0);
    assert_int_equal(pg.n, 3);
    assert_int_equal(pg.rows[0].customer_no, nos[5]);
    query_customer_page_fini(&pg);
}

/* --- M22-M25 ------------------------------------------------------------------------------ */

static void events_query__transfers_closings_reissues_by_operator_and_period(void **state)
{
    struct site *s = *state;
    struct kwh_event_page pg;
    struct kwh_event_filter f;
    struct kwh_receipt r;
    struct kwh_err e;
    int64_t day = local(2026, 11, 24, 0, 0, 0);

    uint32_t a = open_at(s, &s->seller, day + 3600, 70000001, "原户主", 1000, NULL);
    s->now = day + 4000;
    assert_int_equal(ops_transfer(s->core, &s->seller, a, "新户主", "三号楼", "139", &e), 0);
    s->now = day + 5000;
    fakecard_blank(s->card);
    assert_int_equal(ops_reissue(s->core, &s->admin, a, false, 1000, NULL, &r, &e), 0);
    uint32_t b = open_at(s, &s->seller, day + 6000, 70000002, "销户人", 0, NULL);
    s->now = day + 7000;
    assert_int_equal(ops_close(s->core, &s->admin, b, false, &e), 0);
    /* a reissue that never reached a card is not listed */
    s->now = day + 8000;
    fakecard_blank(s->card);
    s->card->fail_after = 3;
    assert_true(ops_reissue(s->core, &s->admin, a, false, 0, NULL, &r, &e) < 0);
    fakecard_reinsert(s->card);
    s->now = day + 9000;

    memset(&f, 0, sizeof f);
    f.kind = KWH_EV_TRANSFER;
    assert_int_equal(query_events(s->core, &s->seller, &f, &pg, &e), 0);
    assert_int_equal(pg.total, 1);
    assert_int_equal(pg.rows[0].customer_no, a);
    assert_string_equal(pg.rows[0].operator_name, "clerk");
    assert_non_null(strstr(pg.rows[0].before, "原户主"));
    assert_non_null(strstr(pg.rows[0].after, "新户主"));
    query_event_page_fini(&pg);

    f.kind = KWH_EV_REISSUE;
    assert_int_equal(query_events(s->core, &s->seller, &f, &pg, &e), 0);
    assert_int_equal(pg.total, 1);
    assert_int_equal(pg.rows[0].fee_fen, 1000);
    assert_string_equal(pg.rows[0].operator_name, "system");
    query_event_page_fini(&pg);

    f.kind = KWH_EV_CLOSE;
    assert_int_equal(query_events(s->core, &s->seller, &f, &pg, &e), 0);
    assert_int_equal(pg.total, 1);
    assert_int_equal(pg.rows[0].customer_no, b);
    query_event_page_fini(&pg);
    f.by_operator = true;
    strcpy(f.operator_name, "clerk");
    assert_int_equal(query_events(s->core, &s->seller, &f, &pg, &e), 0);
    assert_int_equal(pg.total, 0);
    query_event_page_fini(&pg);

    f.by_operator = false;
    f.kind = KWH_EV_TRANSFER;
    f.by_date = true;
    f.period = period_day(day - 86400);
    assert_int_equal(query_events(s->core, &s->seller, &f, &pg, &e), 0);
    assert_int_equal(pg.total, 0);
    query_event_page_fini(&pg);

    f.kind = 55;
    REFUSED(KWH_EINVAL, "transfers", query_events(s->core, &s->seller, &f, &pg, &e_));
    assert_int_equal(query_event_parse("meter-change"), KWH_EV_METER_CHANGE);
    assert_string_equal(query_event_name(KWH_EV_CLOSE), "close");
    assert_int_equal(query_event_parse("nope"), -1);
}

/* --- B7 ------------------------------------------------------------------------------------ */

static void shift__counts_money_by_kind_and_method_and_the_blind_count(void **state)
{
    struct site *s = *state;
    struct kwh_shift_report rep;
    struct kwh_receipt r;
    struct kwh_err e;
    int64_t day = local(2026, 11, 24, 0, 0, 0);
    int64_t cash = 0, wechat = 0;

    struct tally opened = {0};
    uint32_t a = open_at(s, &s->seller, day + 3600, 80000001, "甲", 10000, &opened);
    cash += opened.amount;
    struct kwh_sale sold =
        sell_at(s, &s->seller, day + 7200, a, by_kwh(2000, KWH_PAY_WECHAT), NULL);
    wechat += sold.amount_fen;
    /* re-sold at once (the meter has not loaded it): the re-sale replaces it */
    struct kwh_purchase_req p = by_kwh(3000, KWH_PAY_CASH);
    s->now = day + 7300;
    assert_int_equal(ops_resell(s->core, &s->seller, a, &p, &r, &e), 0);
    cash += r.sale.amount_fen;
    wechat -= sold.amount_fen; /* given back */
    /* an attempt that never reached the card */
    s->now = day + 7400 - 1;
    site_meter_loads(s, 1000);
    s->card->fail_after = 2;
    s->now = day + 7400;
    p = by_kwh(999, KWH_PAY_CASH);
    assert_true(ops_sell(s->core, &s->seller, a, &p, &r, &e) < 0);
    fakecard_reinsert(s->card);
    /* someone else's sale is not in the clerk's shift */
    sell_at(s, &s->admin, day + 8000, a, by_kwh(100, KWH_PAY_CASH), NULL);

    s->now = day + 9000;
    assert_int_equal(shift_current(s->core, &s->seller, NULL, &rep, &e), 0);
    assert_int_equal(rep.lines[KWH_SHIFT_OPEN].count, 1);
    assert_int_equal(rep.lines[KWH_SHIFT_SALE].count, 1);
    assert_int_equal(rep.lines[KWH_SHIFT_RESALE].count, 1);
    assert_int_equal(rep.lines[KWH_SHIFT_RESALE_RETURN].count, 1);
    assert_int_equal(rep.lines[KWH_SHIFT_RESALE_RETURN].total_fen, -sold.amount_fen);
    assert_int_equal(rep.pay_in_fen[KWH_PAY_CASH] - rep.pay_out_fen[KWH_PAY_CASH], cash);
    assert_int_equal(rep.pay_in_fen[KWH_PAY_WECHAT] - rep.pay_out_fen[KWH_PAY_WECHAT], wechat);
    assert_int_equal(rep.expected_cash_fen, cash);
    assert_int_equal(rep.net_fen, cash + wechat);
    assert_int_equal(rep.nvoided, 1);
    assert_int_equal(rep.voided[0].energy_ckwh, 999);
    assert_int_equal(rep.npending, 0);
    assert_false(rep.counted);
    shift_report_fini(&rep);

    /* 交班: the clerk counted 5 fen less than expected */
    assert_int_equal(shift_close(s->core, &s->seller, cash - 5, &rep, &e), 0);
    assert_true(rep.shift_id > 0);
    assert_true(rep.counted);
    assert_int_equal(rep.expected_cash_fen, cash);
    assert_int_equal(rep.difference_fen, -5);
    int64_t closed = rep.shift_id;
    shift_report_fini(&rep);

    /* the next shift starts empty; a closed one reads back the same */
    s->now = day + 9500;
    assert_int_equal(shift_current(s->core, &s->seller, NULL, &rep, &e), 0);
    assert_int_equal(rep.net_fen, 0);
    assert_int_equal(rep.nvoided, 0);
    assert_int_equal(rep.from, day + 9000);
    shift_report_fini(&rep);
    assert_int_equal(shift_get(s->core, &s->seller, closed, &rep, &e), 0);
    assert_int_equal(rep.expected_cash_fen, cash);
    assert_int_equal(rep.difference_fen, -5);
    shift_report_fini(&rep);

    /* a re-sale in the new shift of the last shift's sale gives back only in this one */
    p = by_kwh(4000, KWH_PAY_CASH);
    assert_int_equal(ops_resell(s->core, &s->seller, a, &p, &r, &e), 0);
    assert_int_equal(shift_current(s->core, &s->seller, NULL, &rep, &e), 0);
    assert_int_equal(rep.lines[KWH_SHIFT_RESALE].total_fen, r.sale.amount_fen);
    assert_int_equal(rep.lines[KWH_SHIFT_RESALE_RETURN].count, 1);
    shift_report_fini(&rep);

    /* roles: a seller sees only their own; an admin anyone's */
    REFUSED(KWH_EPERM, "administrator", shift_current(s->core, &s->seller, "system", &rep, &e_));
    assert_int_equal(shift_current(s->core, &s->admin, "clerk", &rep, &e), 0);
    shift_report_fini(&rep);
    REFUSED(KWH_ENOTFOUND, "no operator", shift_current(s->core, &s->admin, "nobody", &rep, &e_));
    REFUSED(KWH_EINVAL, "counted cash", shift_close(s->core, &s->seller, -1, &rep, &e_));
    struct kwh_period bad = {10, 5};
    REFUSED(KWH_EINVAL, "ends before", shift_period(s->core, &s->admin, "clerk", &bad, &rep, &e_));
    struct kwh_period whole = period_day(day);
    assert_int_equal(shift_period(s->core, &s->admin, "clerk", &whole, &rep, &e), 0);
    assert_int_equal(rep.lines[KWH_SHIFT_RESALE].count, 2);
    shift_report_fini(&rep);
}

static void shift__refunds_paid_out_and_overdraft_collected(void **state)
{
    struct site *s = *state;
    struct kwh_shift_report rep;
    struct kwh_receipt r;
    struct kwh_card card;
    struct kwh_card_return ret;
    struct kwh_err e;

    uint32_t a = open_at(s, &s->seller, local(2026, 11, 24, 9, 0, 0), 81000001, "乙", 10000, NULL);
    site_meter_loads(s, 10000);
    assert_int_equal(ops_refund_card(s->core, &s->seller, a, &e), 0);
    assert_int_equal(card_decode(site_profile(), s->card->img, NULL, &card, NULL), 0);
    memset(&ret, 0, sizeof ret);
    ret.meter_no = card.meter_no;
    ret.loaded_count = 1;
    ret.status = CARD_RS_REFUNDED | CARD_RS_TRIPPED;
    ret.remaining_ckwh = 4000;
    ret.generation = card.generation;
    ret.time = (uint32_t)++s->now;
    site_meter_writes(s, &ret);
    assert_int_equal(ops_refund(s->core, &s->seller, a, KWH_PAY_CASH, &r, &e), 0);
    assert_int_equal(shift_current(s->core, &s->seller, NULL, &rep, &e), 0);
    assert_int_equal(rep.lines[KWH_SHIFT_REFUND].count, 1);
    assert_int_equal(rep.lines[KWH_SHIFT_REFUND].total_fen, r.sale.amount_fen);
    assert_true(r.sale.amount_fen < 0);
    assert_int_equal(rep.pay_out_fen[KWH_PAY_CASH], -r.sale.amount_fen);
    assert_int_equal(rep.lines[KWH_SHIFT_OWED].count, 0);
    shift_report_fini(&rep);
}

int main(void)
{
    setenv("TZ", "Asia/Shanghai", 1);
    tzset();
#define T(f) cmocka_unit_test_setup_teardown(f, site_setup, site_teardown)
    const struct CMUnitTest tests[] = {
        T(sales_report__sums_equal_the_receipts_added_up),
        T(sales_report__summary_and_scan_agree_at_every_bound),
        T(sales_report__month_ends_and_empty_days),
        T(sales_report__summaries_agree_with_the_sales),
        T(migration__version_8_fills_the_monthly_summary_from_the_sales),
        T(sales_query__each_filter_on_and_off),
        T(sales_query__refuses_bad_input),
        cmocka_unit_test(period__parses_dates_months_and_times_in_local_time),
        T(customers_query__each_filter_on_and_off),
        T(customers_query__each_visits_every_match),
        T(customers_query__pages_by_key_hold_what_the_offset_says),
        T(events_query__transfers_closings_reissues_by_operator_and_period),
        T(shift__counts_money_by_kind_and_method_and_the_blind_count),
        T(shift__refunds_paid_out_and_overdraft_collected),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
