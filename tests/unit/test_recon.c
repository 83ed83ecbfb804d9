/* SPDX-License-Identifier: Apache-2.0 */
/* kwh-backends: sqlite pg (tests/run.sh runs this suite on SQLite and on PostgreSQL) */
/* 对账: the statement parser at every edge (amount formats, columns by name or position,
 * header and footer lines, times, refusals naming the line) and the matcher (the four
 * groups, a reference twice in the statement or in the ledger, reversed sales, the
 * ledger outside the dates); recon_run on a real site at the edges of the day; and a
 * refund whose overdraft is left unpaid becoming arrears recovered at a sale. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "kwhpos/core.h"
#include "kwhpos/money.h"
#include "kwhpos/plan.h"
#include "kwhpos/util.h"
#include "check.h"
#include "ops.h"
#include "site.h"

#define WX1 "4200000000000000001"
#define WX2 "4200000000000000002"
#define WX3 "4200000000000000003"

static struct kwh_stmt_map map(void)
{
    struct kwh_stmt_map m;
    memset(&m, 0, sizeof m);
    str_copy(m.time, sizeof m.time, "1");
    str_copy(m.reference, sizeof m.reference, "2");
    str_copy(m.amount, sizeof m.amount, "3");
    str_copy(m.unit, sizeof m.unit, "yuan");
    str_copy(m.time_format, sizeof m.time_format, "%Y-%m-%d %H:%M:%S");
    m.header = 1;
    str_copy(m.encoding, sizeof m.encoding, "utf-8");
    return m;
}

static int parse(const struct kwh_stmt_map *m, const char *text, struct kwh_statement *st,
                 struct kwh_err *e)
{
    return statement_parse(KWH_PAY_WECHAT, m, text, strlen(text), st, e);
}

/* The fen of a one-line statement whose amount reads text. */
static int amount(const struct kwh_stmt_map *m, const char *text, int64_t *fen, struct kwh_err *e)
{
    char buf[256];
    struct kwh_statement st;
    int rc;
    snprintf(buf, sizeof buf, "t,r,a\n2026-12-04 09:00:00," WX1 ",%s\n", text);
    if ((rc = parse(m, buf, &st, e)) < 0)
        return rc;
    assert_int_equal(st.n, 1);
    *fen = st.lines[0].fen;
    statement_fini(&st);
    return 0;
}

static void statement__reads_every_amount_format_without_floats(void **state)
{
    struct kwh_stmt_map m = map();
    struct kwh_err e;
    int64_t fen;
    static const struct {
        const char *text;
        int64_t fen;
    } good[] = {
        {"50", 5000},
        {"50.5", 5050},
        {"50.05", 5005},
        {"0.01", 1},
        {"¥1.00", 100},
        {"￥2.50", 250},
        {"-3.00", -300},
        {"+4.00", 400},
        {"-¥0.10", -10},
        {" 7.00 ", 700},
        {"\"1234567.89\"", 123456789},
        {"`8.00", 800},
        {"0", 0},
    };
    static const char *const bad[] = {"\"1,000.00\"", "1.234", "abc",    "",    "¥",
                                      "--1",          "1e3",   "12 .00", "¥-1", "99999999999999"};

    (void)state;
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        if (amount(&m, good[i].text, &fen, &e) < 0)
            fail_msg("'%s': %s", good[i].text, e.msg);
        assert_int_equal(fen, good[i].fen);
    }
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        REFUSED(KWH_EINVAL, "statement line 2: amount", amount(&m, bad[i], &fen, &e_));
    }
    str_copy(m.unit, sizeof m.unit, "fen");
    assert_int_equal(amount(&m, "1250", &fen, &e), 0);
    assert_int_equal(fen, 1250);
    REFUSED(KWH_EINVAL, "not a whole number of fen", amount(&m, "12.50", &fen, &e_));
}

static void statement__finds_columns_by_name_after_title_lines_and_drops_the_footer(void **state)
{
    struct kwh_stmt_map m = map();
    struct kwh_statement st;
    struct kwh_err e;
    const char *text = "\xef\xbb\xbf微信支付账单\r\n起始时间：2026-12-04\r\n"
                       "交易单号,商品,交易时间,金额(元)\r\n"
                       "`" WX1 ",电费,2026-12-04 09:00:00,\"1,5\"\r\n"
                       "\r\n"
                       "`" WX2 ",电费,2026-12-04 23:59:59,2.00\r\n"
                       "总计,,2 笔,3.50\r\n"
                       "导出时间,,,\r\n";
    (void)state;
    str_copy(m.time, sizeof m.time, "交易时间");
    str_copy(m.reference, sizeof m.reference, "交易单号");
    str_copy(m.amount, sizeof m.amount, "金额(元)");
    m.header = 3;
    m.footer = 2;
    /* the quoted "1,5" is one field: not an amount */
    REFUSED(KWH_EINVAL, "statement line 4: amount '1,5'", parse(&m, text, &st, &e_));
    text = "\xef\xbb\xbf微信支付账单\r\n起始时间：2026-12-04\r\n"
           "交易单号,商品,交易时间,金额(元)\r\n"
           "`" WX1 ",\"电费, 十二月\",2026-12-04 09:00:00,1.50\r\n"
           "\r\n"
           "`" WX2 ",电费,2026-12-04 23:59:59,2.00\r\n"
           "总计,,2 笔,3.50\r\n"
           "导出时间,,,\r\n";
    if (parse(&m, text, &st, &e) < 0)
        fail_msg("%s", e.msg);
    assert_int_equal(st.n, 2);
    assert_string_equal(st.lines[0].ref, WX1);
    assert_int_equal(st.lines[0].line, 4);
    assert_int_equal(st.lines[0].fen, 150);
    assert_int_equal(st.lines[1].line, 6);
    assert_int_equal(st.last - st.first, 14 * 3600 + 59 * 60 + 59);
    statement_fini(&st);
    /* without the footer setting, the totals line is refused, named */
    m.footer = 0;
    REFUSED(KWH_EINVAL, "statement line 7: time '2 笔'", parse(&m, text, &st, &e_));
    /* a footer line that parses like a payment is dropped all the same */
    m.footer = 1;
    REFUSED(KWH_EINVAL, "statement line 7", parse(&m, text, &st, &e_));
    /* a column the header lacks */
    m.footer = 2;
    str_copy(m.amount, sizeof m.amount, "金额");
    REFUSED(KWH_EINVAL, "statement line 3: no column named '金额'", parse(&m, text, &st, &e_));
    /* by name without a header line */
    m.header = 0;
    REFUSED(KWH_EINVAL, "needs the header line", parse(&m, text, &st, &e_));
}

static void statement__refuses_bad_files_naming_the_line(void **state)
{
    struct kwh_stmt_map m = map();
    struct kwh_statement st;
    char big[5000];
    (void)state;
    REFUSED(KWH_EINVAL, "statement line 2: no column 3 (the amount): the line has 2",
            parse(&m, "t,r,a\n2026-12-04 09:00:00," WX1 "\n", &st, &e_));
    REFUSED(KWH_EINVAL, "statement line 3: not UTF-8",
            parse(&m, "t,r,a\n2026-12-04 09:00:00," WX1 ",1\n2026-12-04 09:00:00,\xc3\x28,1\n", &st,
                  &e_));
    REFUSED(KWH_EINVAL, "statement line 2: a NUL byte",
            statement_parse(KWH_PAY_WECHAT, &m, "t,r,a\nx\0y\n", 10, &st, &e_));
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    big[0] = '\n';
    REFUSED(KWH_EINVAL, "statement line 2: longer than 4096 bytes", parse(&m, big, &st, &e_));
    REFUSED(KWH_EINVAL, "statement line 2: the reference is empty",
            parse(&m, "t,r,a\n2026-12-04 09:00:00,,1\n", &st, &e_));
    REFUSED(KWH_EINVAL, "statement line 2: reference 'ab12' is not a",
            parse(&m, "t,r,a\n2026-12-04 09:00:00,ab12,1\n", &st, &e_));
    REFUSED(KWH_EINVAL, "statement line 2: time '2026-02-30 09:00:00'",
            parse(&m, "t,r,a\n2026-02-30 09:00:00," WX1 ",1\n", &st, &e_));
    REFUSED(KWH_EINVAL, "statement line 2: time '2026-12-04 24:00:00'",
            parse(&m, "t,r,a\n2026-12-04 24:00:00," WX1 ",1\n", &st, &e_));
    REFUSED(KWH_EINVAL, "statement line 2: a quoted field is not closed",
            parse(&m, "t,r,a\n2026-12-04 09:00:00,\"" WX1 ",1\n", &st, &e_));
    REFUSED(KWH_EINVAL, "no statements for this payment method",
            statement_parse(KWH_PAY_CASH, &m, "t,r,a\n", 6, &st, &e_));
    REFUSED(KWH_EINVAL, "ends before its header line", parse(&m, "", &st, &e_));
    str_copy(m.time_format, sizeof m.time_format, "%Y-%m-%d %q");
    REFUSED(KWH_EINVAL, "only %Y %m %d %H %M %S", parse(&m, "t,r,a\n", &st, &e_));
    str_copy(m.time_format, sizeof m.time_format, "%m/%d");
    REFUSED(KWH_EINVAL, "the year (%Y) is missing", parse(&m, "t,r,a\n", &st, &e_));
    assert_null(st.lines);
}

static void statement__reads_other_time_formats_and_gb18030(void **state)
{
    struct kwh_stmt_map m = map();
    struct kwh_statement st;
    struct kwh_err e;
    (void)state;
    str_copy(m.time_format, sizeof m.time_format, "%Y/%m/%d %H:%M");
    m.header = 0;
    assert_int_equal(parse(&m, "2026/12/04 09:05," WX1 ",1\n", &st, &e), 0);
    assert_int_equal(st.n, 1);
    statement_fini(&st);
    /* 交易 in GB18030, a header by name */
    str_copy(m.encoding, sizeof m.encoding, "gb18030");
    m.header = 1;
    str_copy(m.reference, sizeof m.reference, "交易");
    if (parse(&m, "t,\xbd\xbb\xd2\xd7,a\n2026/12/04 09:05," WX1 ",1\n", &st, &e) < 0)
        fail_msg("%s", e.msg);
    assert_int_equal(st.n, 1);
    assert_string_equal(st.lines[0].ref, WX1);
    statement_fini(&st);
}

/* --- the matcher --------------------------------------------------------------------------- */

static struct kwh_statement_line sl(int64_t line, int64_t t, const char *ref, int64_t fen)
{
    struct kwh_statement_line l;
    memset(&l, 0, sizeof l);
    l.line = line;
    l.time = t;
    str_copy(l.ref, sizeof l.ref, ref);
    l.fen = fen;
    return l;
}

static struct kwh_ledger_entry le(int64_t id, const char *ref, int64_t fen, bool reversed,
                                  bool in_range)
{
    struct kwh_ledger_entry l;
    memset(&l, 0, sizeof l);
    l.id = id;
    l.invoice_no = 100 + id;
    l.created = 1000 + id;
    l.customer_no = 10000001;
    str_copy(l.ref, sizeof l.ref, ref);
    l.fen = fen;
    l.reversed = reversed;
    l.in_range = in_range;
    return l;
}

static const struct kwh_recon_row *row_of(const struct kwh_recon *r, const char *ref)
{
    for (size_t i = 0; i < r->n; i++)
        if (strcmp(r->rows[i].ref, ref) == 0)
            return &r->rows[i];
    fail_msg("no row for '%s'", ref);
    return NULL;
}

static void recon__sorts_every_reference_into_one_of_four_groups(void **state)
{
    struct kwh_statement_line lines[] = {
        sl(2, 10, WX1, 5000),
        sl(3, 11, WX2, 3100),
        sl(4, 12, "4200000000000000009", 800),
        /* a payment and the provider's refund of it, twice in the statement */
        sl(5, 13, WX3, 2000),
        sl(6, 14, WX3, -2000),
        /* paid twice by mistake */
        sl(7, 15, "4200000000000000007", 100),
        sl(8, 16, "4200000000000000007", 100),
        /* a payment for a sale reversed and corrected with the same reference */
        sl(9, 17, "4200000000000000010", 400),
    };
    struct kwh_ledger_entry ledger[] = {
        le(1, WX1, 5000, false, true),
        le(2, WX2, 3000, false, true),
        le(3, WX3, 2000, true, true),
        le(4, "4200000000000000004", 1000, false, true),
        le(5, "4200000000000000005", 700, true, true),
        le(6, "4200000000000000006", 900, false, false),
        le(7, "4200000000000000007", 100, false, true),
        le(8, "", 1500, false, true),
        le(9, "", 1600, false, true),
        le(10, "4200000000000000010", 500, true, true),
        le(11, "4200000000000000010", 400, false, true),
    };
    struct kwh_statement st = {KWH_PAY_WECHAT, lines, sizeof lines / sizeof lines[0], 10, 17};
    struct kwh_recon r;
    struct kwh_err e;
    const struct kwh_recon_row *w;

    (void)state;
    assert_int_equal(recon_match(&st, ledger, sizeof ledger / sizeof ledger[0], &r, &e), 0);
    assert_int_equal(row_of(&r, WX1)->group, KWH_RECON_MATCHED);
    w = row_of(&r, WX2);
    assert_int_equal(w->group, KWH_RECON_DIFFER);
    assert_int_equal(w->stmt_fen, 3100);
    assert_int_equal(w->ledger_fen, 3000);
    assert_int_equal(w->line, 3);
    assert_int_equal(w->invoice_no, 102);
    assert_int_equal(row_of(&r, "4200000000000000009")->group, KWH_RECON_STATEMENT_ONLY);
    /* paid and refunded by the provider, reversed in the ledger: nothing either side */
    w = row_of(&r, WX3);
    assert_int_equal(w->group, KWH_RECON_MATCHED);
    assert_int_equal(w->nlines, 2);
    assert_true(w->reversed);
    assert_int_equal(w->ledger_fen, 0);
    assert_int_equal(row_of(&r, "4200000000000000004")->group, KWH_RECON_LEDGER_ONLY);
    /* paid twice: 2.00 against 1.00 */
    w = row_of(&r, "4200000000000000007");
    assert_int_equal(w->group, KWH_RECON_DIFFER);
    assert_int_equal(w->nlines, 2);
    assert_int_equal(w->line, 7);
    /* the correction counts, the reversed original not */
    w = row_of(&r, "4200000000000000010");
    assert_int_equal(w->group, KWH_RECON_MATCHED);
    assert_int_equal(w->nentries, 2);
    assert_int_equal(w->ledger_fen, 400);
    /* reversed to nothing, and outside the dates: nothing expected in the statement */
    for (size_t i = 0; i < r.n; i++) {
        assert_string_not_equal(r.rows[i].ref, "4200000000000000005");
        assert_string_not_equal(r.rows[i].ref, "4200000000000000006");
    }
    /* each sale without a reference is a row of its own */
    assert_int_equal(r.count[KWH_RECON_LEDGER_ONLY], 3);
    assert_int_equal(r.ledger_fen[KWH_RECON_LEDGER_ONLY], 1000 + 1500 + 1600);
    assert_int_equal(r.count[KWH_RECON_MATCHED], 3);
    assert_int_equal(r.count[KWH_RECON_STATEMENT_ONLY], 1);
    assert_int_equal(r.count[KWH_RECON_DIFFER], 2);
    assert_int_equal(r.n, 9);
    assert_true(recon_differs(&r));
    /* grouped in order */
    for (size_t i = 1; i < r.n; i++)
        assert_true(r.rows[i - 1].group <= r.rows[i].group);
    recon_fini(&r);

    /* all matched */
    st.n = 1;
    assert_int_equal(recon_match(&st, ledger, 1, &r, &e), 0);
    assert_false(recon_differs(&r));
    recon_fini(&r);
    /* an empty statement and an empty ledger */
    st.n = 0;
    assert_int_equal(recon_match(&st, ledger, 0, &r, &e), 0);
    assert_int_equal(r.n, 0);
    recon_fini(&r);
}

/* --- on a site ----------------------------------------------------------------------------- */

static time_t local(int y, int mo, int d, int h, int mi, int sec)
{
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = sec;
    tm.tm_isdst = -1;
    return mktime(&tm);
}

/* Sales at 23:59:59 and at midnight: a statement of the 4th counts the first and looks up
 * the second by its reference only. */
static void recon__takes_the_statements_days_from_midnight_to_midnight(void **state)
{
    struct site *s = *state;
    struct kwh_purchase_req p = {KWH_BY_AMOUNT, 1000, 0, KWH_PAY_WECHAT, WX1};
    struct kwh_stmt_map m = map();
    struct kwh_statement st;
    struct kwh_recon r;
    struct kwh_receipt rec;
    struct kwh_err e;
    uint32_t no;

    setenv("TZ", "Asia/Shanghai", 1);
    tzset();
    s->now = local(2026, 12, 3, 12, 0, 0);
    no = site_open(s, 12345678, 1000);
    site_meter_loads(s, 1000);
    s->now = local(2026, 12, 4, 23, 59, 59);
    assert_int_equal(ops_sell(s->core, &s->seller, no, &p, &rec, &e), 0);
    site_meter_loads(s, 2000);
    s->now = local(2026, 12, 5, 0, 0, 0);
    str_copy(p.pay_ref, sizeof p.pay_ref, WX2);
    assert_int_equal(ops_sell(s->core, &s->seller, no, &p, &rec, &e), 0);
    site_meter_loads(s, 3000);
    s->now = local(2026, 12, 3, 23, 59, 59);
    /* (the clock is only the core's: the sales keep their times) */
    if (parse(&m, "t,r,a\n2026-12-04 00:00:00," WX3 ",10.00\n", &st, &e) < 0)
        fail_msg("%s", e.msg);
    assert_int_equal(recon_run(s->core, &s->seller, &st, 0, 0, &r, &e), 0);
    assert_int_equal(r.from, local(2026, 12, 4, 0, 0, 0));
    assert_int_equal(r.to, local(2026, 12, 5, 0, 0, 0));
    assert_int_equal(r.count[KWH_RECON_STATEMENT_ONLY], 1);
    assert_int_equal(r.count[KWH_RECON_LEDGER_ONLY], 1);
    assert_string_equal(row_of(&r, WX1)->ref, WX1);
    assert_int_equal(row_of(&r, WX1)->group, KWH_RECON_LEDGER_ONLY);
    recon_fini(&r);
    statement_fini(&st);
    /* WX2's payment on the 4th, the sale made at midnight: found by its reference */
    if (parse(&m, "t,r,a\n2026-12-04 23:59:58," WX1 ",10.00\n2026-12-04 23:59:59," WX2 ",10.00\n",
              &st, &e) < 0)
        fail_msg("%s", e.msg);
    assert_int_equal(recon_run(s->core, &s->seller, &st, 0, 0, &r, &e), 0);
    assert_int_equal(r.count[KWH_RECON_MATCHED], 2);
    assert_false(recon_differs(&r));
    recon_fini(&r);
    /* the dates given: the 5th's ledger has WX2; WX1 (the 4th) is still found */
    assert_int_equal(recon_run(s->core, &s->seller, &st, local(2026, 12, 5, 0, 0, 0),
                               local(2026, 12, 6, 0, 0, 0), &r, &e),
                     0);
    assert_int_equal(r.count[KWH_RECON_MATCHED], 2);
    recon_fini(&r);
    REFUSED(KWH_EINVAL, "the end comes after the start",
            recon_run(s->core, &s->seller, &st, 10, 10, &r, &e_));
    statement_fini(&st);
    st.n = 0;
    st.pay = KWH_PAY_WECHAT;
    REFUSED(KWH_EINVAL, "give the dates", recon_run(s->core, &s->seller, &st, 0, 0, &r, &e_));
}

/* 读卡退电 of an overdrawn meter, the customer not paying now: the owed money becomes the
 * account's arrears with the reason, and nothing is paid. */
static void refund__an_overdraft_left_unpaid_becomes_arrears(void **state)
{
    struct site *s = *state;
    uint32_t no = site_open(s, 12345678, 10000);
    struct kwh_arrears_line *l;
    struct kwh_card_view v;
    struct kwh_plan *plan;
    struct kwh_receipt r;
    struct kwh_customer cu;
    struct kwh_err e;
    size_t n;

    site_meter_loads(s, 10000);
    assert_int_equal(ops_refund_card(s->core, &s->seller, no, &e), 0);
    site_meter_refund_card(s, 6000, 1);
    assert_int_equal(ops_read(s->core, &s->seller, &v, &e), 0);
    REFUSED(KWH_ECONFLICT, "owes nothing", refund_plan_unpaid(s->core, &s->seller, &v, &plan, &e_));
    site_meter_refund_card(s, -250, 1); /* 2.5 kWh owed at 0.5283: 1.33 */
    assert_int_equal(ops_read(s->core, &s->seller, &v, &e), 0);
    assert_int_equal(refund_plan_unpaid(s->core, &s->seller, &v, &plan, &e), 0);
    assert_int_equal(plan_view(plan)->refund_fen, 0);
    assert_int_equal(plan_view(plan)->after.arrears_fen, 133);
    assert_int_equal(plan_commit(s->core, &s->seller, plan, &r, &e), 0);
    plan_free(plan);
    assert_int_equal(r.sale.amount_fen, 0);
    assert_int_equal(r.sale.energy_ckwh, 250);
    assert_int_equal(account_find(s->core, no, 0, &cu, &e), 0);
    assert_int_equal(cu.arrears_fen, 133);
    assert_int_equal(cu.status, KWH_CUST_REFUNDED);
    assert_int_equal(arrears_history(s->core, &s->admin, no, &l, &n, &e), 0);
    assert_int_equal(n, 1);
    assert_int_equal(l[0].fen, 133);
    assert_non_null(strstr(l[0].reason, "overdraft 2.50 kWh at 0.5283 left unpaid"));
    free(l);
    assert_int_equal(site_q1(s, "SELECT count(*) FROM arrears"), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(statement__reads_every_amount_format_without_floats),
        cmocka_unit_test(statement__finds_columns_by_name_after_title_lines_and_drops_the_footer),
        cmocka_unit_test(statement__refuses_bad_files_naming_the_line),
        cmocka_unit_test(statement__reads_other_time_formats_and_gb18030),
        cmocka_unit_test(recon__sorts_every_reference_into_one_of_four_groups),
        cmocka_unit_test_setup_teardown(recon__takes_the_statements_days_from_midnight_to_midnight,
                                        site_setup, site_teardown),
        cmocka_unit_test_setup_teardown(refund__an_overdraft_left_unpaid_becomes_arrears,
                                        site_setup, site_teardown),
    };
    setenv("TZ", "Asia/Shanghai", 1);
    tzset();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
