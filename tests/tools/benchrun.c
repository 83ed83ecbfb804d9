/* SPDX-License-Identifier: Apache-2.0 */
/* benchrun: times the core's queries, reports, sale commit and backup on a site made by
 * benchgen, and prints one line per measure: runs, p50, p99 and max in milliseconds and
 * the goal of docs/performance.md.
 *
 *   benchrun --db PATH --backup-dir DIR [--runs N] [--only search]
 *
 * --only search: the lookups and the search box only (no backup dir needed; "none").
 *
 * Logs in as clerk1 (benchgen's password). Sale commits go through the whole card path
 * (ops_open, ops_sell) on an in-memory card, so they include the database's
 * fsyncs but no serial line; the meter's return area is signed as a meter would. Exits 1
 * when a report answered from the hourly summary disagrees with the same report
 * answered from the sales. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fakecard.h"
#include "kwhpos/cardprofile.h"
#include "kwhpos/core.h"
#include "kwhpos/oversight.h"
#include "kwhpos/data.h"
#include "kwhpos/query.h"
#include "store/store.h"
#include "kwhpos/util.h"
#include "ops.h"

struct timer {
    double *ms;
    int n, cap;
};

static uint64_t rng = 0x2545F4914F6CDD1Dull;

static uint32_t rnd(uint32_t n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng % n);
}

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static void add(struct timer *t, double ms)
{
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 64;
        t->ms = realloc(t->ms, (size_t)t->cap * sizeof *t->ms);
        if (t->ms == NULL)
            abort();
    }
    t->ms[t->n++] = ms;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Prints the line and frees the samples; goal 0 = none. */
static void report(const char *what, struct timer *t, double goal)
{
    double p50, p99;
    if (t->n == 0) {
        printf("%-34s %6d\n", what, 0);
        return;
    }
    qsort(t->ms, (size_t)t->n, sizeof *t->ms, cmp);
    p50 = t->ms[t->n / 2];
    p99 = t->ms[(t->n * 99) / 100 < t->n ? (t->n * 99) / 100 : t->n - 1];
    printf("%-34s %6d %9.3f %9.3f %9.3f", what, t->n, p50, p99, t->ms[t->n - 1]);
    if (goal > 0)
        printf("   p99 <= %g ms: %s", goal, p99 <= goal ? "met" : "MISSED");
    printf("\n");
    fflush(stdout);
    free(t->ms);
    memset(t, 0, sizeof *t);
}

static void die(const char *what, const struct kwh_err *e)
{
    fprintf(stderr, "benchrun: %s: %s\n", what, e->msg);
    exit(1);
}

/* What a meter writes when it loads the purchase on the card (tests/support/site.c); the
 * benchmark's sites have kwhpos's own card layout. */
static void meter_loads(struct fakecard *card, const struct kwh_site_keys *keys, int64_t t)
{
    struct kwh_card k;
    struct kwh_card_return r;
    if (card_decode(cardprofile_default(), card->img, NULL, &k, NULL) < 0)
        abort();
    memset(&r, 0, sizeof r);
    r.meter_no = k.meter_no;
    r.loaded_count = k.purchase_count;
    r.status = CARD_RS_LOADED;
    r.remaining_ckwh = 1000;
    r.generation = k.generation;
    r.time = (uint32_t)t;
    card_encode_return(cardprofile_default(), card->img, &r, keys->mac_key);
    card_erase_keys(cardprofile_default(), card->img);
}

static struct kwh_sale_filter day_filter(int64_t from, int64_t to)
{
    struct kwh_sale_filter f;
    memset(&f, 0, sizeof f);
    f.by_date = true;
    f.period = (struct kwh_period){from, to};
    return f;
}

int main(int argc, char **argv)
{
    const char *path = NULL, *backup_dir = NULL;
    int runs = 2000;
    bool only_search = false;
    struct kwh_core *c;
    struct kwh_session s;
    struct kwh_err e;
    struct timer t = {0};
    struct kwh_balance bal;
    int64_t accounts, today;
    double t0;

    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--db") == 0)
            path = argv[i + 1];
        else if (strcmp(argv[i], "--backup-dir") == 0)
            backup_dir = argv[i + 1];
        else if (strcmp(argv[i], "--runs") == 0)
            runs = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--only") == 0 && strcmp(argv[i + 1], "search") == 0)
            only_search = true;
        else
            path = NULL;
    }
    if (only_search && backup_dir == NULL)
        backup_dir = "none";
    if (path == NULL || backup_dir == NULL || runs < 10) {
        fprintf(stderr,
                "usage: benchrun --db PATH --backup-dir DIR|none [--runs N] [--only search]\n");
        return 2;
    }
    if (core_open(&c, path, &e) < 0 || auth_login(c, "clerk1", "bench-clerk-1", &s, &e) < 0)
        die("open", &e);
    if (report_balance(c, &s, &bal, &e) < 0)
        die("balance", &e);
    accounts = 0;
    {
        struct kwh_customer_filter f;
        struct kwh_customer_page pg;
        memset(&f, 0, sizeof f);
        f.include_closed = true;
        f.limit = 1;
        if (query_customers(c, &s, &f, &pg, &e) < 0)
            die("accounts", &e);
        accounts = pg.total;
        query_customer_page_fini(&pg);
    }
    today = period_day(core_now(c)).from;
    printf("%lld accounts (%lld open), balance %lld.%02lld kWh\n", (long long)accounts,
           (long long)bal.accounts, (long long)(bal.balance_ckwh / 100),
           (long long)(bal.balance_ckwh % 100));
    printf("%-34s %6s %9s %9s %9s\n", "measure (ms)", "runs", "p50", "p99", "max");

    for (int i = 0; i < runs; i++) {
        struct kwh_customer cu;
        uint32_t meter = 10000000 + rnd((uint32_t)accounts);
        t0 = now_ms();
        account_find(c, 0, meter, &cu, NULL);
        add(&t, now_ms() - t0);
    }
    report("account by meter number", &t, 1);
    for (int i = 0; i < runs; i++) {
        struct kwh_customer cu;
        uint32_t no = 10000001 + rnd((uint32_t)accounts);
        t0 = now_ms();
        if (account_find(c, no, 0, &cu, &e) < 0)
            die("by number", &e);
        add(&t, now_ms() - t0);
    }
    report("account by customer number", &t, 1);
    {
        /* the search box (kwhpos/oversight.h): a page of at most 20, as a screen shows */
        static const char *const kinds[] = {"by number",
                                            "by 3 characters of the name",
                                            "by the start of the name",
                                            "by the pinyin initials",
                                            "by part of the phone",
                                            "by part of the address"};
        for (int k = 0; k < 6; k++) {
            for (int i = 0; i < runs; i++) {
                struct kwh_search_page pg;
                struct kwh_customer cu;
                char text[64];
                uint32_t no = 10000001 + rnd((uint32_t)accounts);
                if (account_find(c, no, 0, &cu, &e) < 0)
                    die("search's account", &e);
                if (strlen(cu.phone) < 11 || cu.address[0] == '\0') {
                    i--; /* an account a sale commit of an earlier run opened: no phone */
                    continue;
                }
                if (k == 0)
                    snprintf(text, sizeof text, "%08u", cu.meter.meter_no);
                else if (k == 1 || k == 2)
                    snprintf(text, sizeof text, "%.*s", k == 1 ? 9 : 3, cu.name); /* 3 or 1 */
                else if (k == 3)
                    pinyin_initials(cu.name, text, 3);
                else if (k == 4)
                    snprintf(text, sizeof text, "%.6s", cu.phone + 5);
                else /* the building: "12号楼" */
                    snprintf(text, sizeof text, "%.*s",
                             (int)(strstr(cu.address, "楼")
                                       ? strstr(cu.address, "楼") - cu.address + 3
                                       : 9),
                             cu.address);
                t0 = now_ms();
                if (search_customers(c, &s, text, false, 0, 20, &pg, &e) < 0)
                    die("search", &e);
                add(&t, now_ms() - t0);
                search_page_fini(&pg);
            }
            char what[64];
            snprintf(what, sizeof what, "search %s", kinds[k]);
            report(what, &t, 10);
        }
    }
    if (only_search) {
        core_close(c);
        return 0;
    }
    for (int i = 0; i < runs; i++) {
        t0 = now_ms();
        if (report_balance(c, &s, &bal, &e) < 0)
            die("balance", &e);
        add(&t, now_ms() - t0);
    }
    report("total balance (M26)", &t, 5);

    /* reports over past days, whole local days */
    for (int i = 0; i < 60; i++) {
        struct kwh_sales_report r;
        int64_t d = period_day(today - (int64_t)(1 + rnd(300)) * 86400 + 43200).from;
        struct kwh_sale_filter f = day_filter(d, period_day(d).to);
        t0 = now_ms();
        if (report_sales(c, &s, &f, KWH_GROUP_DAY, &r, &e) < 0)
            die("daily", &e);
        add(&t, now_ms() - t0);
        report_sales_fini(&r);
    }
    report("daily report (one day)", &t, 20);
    for (int i = 0; i < 20; i++) {
        struct kwh_sales_report r;
        int64_t end = period_day(today - (int64_t)rnd(300) * 86400).from;
        struct kwh_sale_filter f = day_filter(period_day(end - 30 * 86400 + 43200).from, end);
        t0 = now_ms();
        if (report_sales(c, &s, &f, KWH_GROUP_DAY, &r, &e) < 0)
            die("30 days", &e);
        add(&t, now_ms() - t0);
        report_sales_fini(&r);
    }
    report("30-day report (per day)", &t, 300);
    for (int i = 0; i < 5; i++) {
        struct kwh_sales_report r;
        struct kwh_sale_filter f =
            day_filter(period_month(today - 330 * 86400).from, period_month(today).to);
        t0 = now_ms();
        if (report_sales(c, &s, &f, KWH_GROUP_MONTH, &r, &e) < 0)
            die("12 months", &e);
        add(&t, now_ms() - t0);
        report_sales_fini(&r);
    }
    report("monthly report (12 months)", &t, 50);
    {
        /* a month from the summaries (its whole UTC days and the hours at its edges) is what
           the sales hold: the month less its last second, read from the sales, plus that
           second */
        int64_t m = period_month(today - 62 * 86400).from, end = period_month(m).to;
        struct kwh_sale_filter a = day_filter(m, end), b = day_filter(m, end - 1);
        struct kwh_sale_filter last = day_filter(end - 1, end);
        struct kwh_sales_report ra, rb;
        struct kwh_sale_page pg;
        if (report_sales(c, &s, &a, KWH_GROUP_MONTH, &ra, &e) < 0 ||
            report_sales(c, &s, &b, KWH_GROUP_PERIOD, &rb, &e) < 0 ||
            query_sales(c, &s, &last, &pg, &e) < 0)
            die("month consistency", &e);
        if (ra.totals.amount_fen != rb.totals.amount_fen + pg.totals.amount_fen ||
            ra.totals.count != rb.totals.count + pg.totals.count ||
            ra.rows[0].t.count != ra.totals.count) {
            fprintf(stderr, "benchrun: the summaries and the sales disagree over a month\n");
            return 1;
        }
        printf("summaries = sales over a month: %lld sales, %lld.%02lld yuan\n",
               (long long)ra.totals.count, (long long)(ra.totals.amount_fen / 100),
               (long long)(ra.totals.amount_fen % 100));
        report_sales_fini(&ra);
        report_sales_fini(&rb);
        query_sale_page_fini(&pg);
    }
    for (int i = 0; i < 30; i++) {
        struct kwh_sale_page pg;
        int64_t d = period_day(today - (int64_t)(1 + rnd(300)) * 86400 + 43200).from;
        struct kwh_sale_filter f = day_filter(d, period_day(d).to);
        t0 = now_ms();
        if (query_sales(c, &s, &f, &pg, &e) < 0)
            die("sales query", &e);
        add(&t, now_ms() - t0);
        query_sale_page_fini(&pg);
    }
    report("purchase query, a day (page+total)", &t, 0);
    for (int i = 0; i < 10; i++) {
        struct kwh_sales_report r;
        int64_t d = period_day(today - (int64_t)(1 + rnd(300)) * 86400 + 43200).from;
        struct kwh_sale_filter f = day_filter(d, period_day(d).to - 1);
        t0 = now_ms();
        if (report_sales(c, &s, &f, KWH_GROUP_PERIOD, &r, &e) < 0)
            die("scan", &e);
        add(&t, now_ms() - t0);
        report_sales_fini(&r);
    }
    report("a day off the hour (scan)", &t, 0);
    {
        /* the summary and the sales must tell the same story */
        int64_t d = period_day(today - 40 * 86400).from;
        struct kwh_sale_filter a = day_filter(d, d + 86400 * 3),
                               b = day_filter(d, d + 86400 * 3 - 1);
        struct kwh_sales_report ra, rb;
        struct kwh_sale_page pg;
        struct kwh_sale_filter last = day_filter(d + 86400 * 3 - 1, d + 86400 * 3);
        if (report_sales(c, &s, &a, KWH_GROUP_PERIOD, &ra, &e) < 0 ||
            report_sales(c, &s, &b, KWH_GROUP_PERIOD, &rb, &e) < 0 ||
            query_sales(c, &s, &last, &pg, &e) < 0)
            die("consistency", &e);
        if (ra.totals.amount_fen != rb.totals.amount_fen + pg.totals.amount_fen ||
            ra.totals.count != rb.totals.count + pg.totals.count) {
            fprintf(stderr, "benchrun: the summary and the sales disagree over 3 days\n");
            return 1;
        }
        printf("summary = sales over 3 days: %lld sales, %lld.%02lld yuan\n",
               (long long)ra.totals.count, (long long)(ra.totals.amount_fen / 100),
               (long long)(ra.totals.amount_fen % 100));
        report_sales_fini(&ra);
        report_sales_fini(&rb);
        query_sale_page_fini(&pg);
    }
    for (int i = 0; i < 50; i++) {
        struct kwh_customer_page pg;
        struct kwh_customer_filter f;
        memset(&f, 0, sizeof f);
        f.offset = rnd(1000) * 100;
        t0 = now_ms();
        if (query_customers(c, &s, &f, &pg, &e) < 0)
            die("customers", &e);
        add(&t, now_ms() - t0);
        query_customer_page_fini(&pg);
    }
    report("account query, no filter (a page)", &t, 0);
    /* paging by key: the page after a page shown, the last page, a page after a number */
    for (int i = 0; i < 50; i++) {
        struct kwh_customer_page pg;
        struct kwh_customer_filter f;
        memset(&f, 0, sizeof f);
        f.offset = rnd((uint32_t)(accounts / 200)) * 100;
        if (query_customers(c, &s, &f, &pg, &e) < 0)
            die("customers", &e);
        query_customer_page_fini(&pg);
        f.offset += 100;
        t0 = now_ms();
        if (query_customers(c, &s, &f, &pg, &e) < 0)
            die("customers", &e);
        add(&t, now_ms() - t0);
        query_customer_page_fini(&pg);
    }
    report("account query, the next page", &t, 0);
    for (int i = 0; i < 50; i++) {
        struct kwh_customer_page pg;
        struct kwh_customer_filter f;
        memset(&f, 0, sizeof f);
        f.offset = (bal.accounts - 1) / 100 * 100;
        t0 = now_ms();
        if (query_customers(c, &s, &f, &pg, &e) < 0)
            die("customers", &e);
        add(&t, now_ms() - t0);
        if (i == 0 && (pg.n == 0 || pg.n > 100)) {
            fprintf(stderr, "benchrun: the last page has %zu accounts\n", pg.n);
            return 1;
        }
        query_customer_page_fini(&pg);
    }
    report("account query, the last page", &t, 0);
    for (int i = 0; i < 50; i++) {
        struct kwh_customer_page pg;
        struct kwh_customer_filter f;
        memset(&f, 0, sizeof f);
        f.after_no = 10000001 + rnd((uint32_t)accounts);
        t0 = now_ms();
        if (query_customers(c, &s, &f, &pg, &e) < 0)
            die("customers", &e);
        add(&t, now_ms() - t0);
        query_customer_page_fini(&pg);
    }
    report("account query, after a number", &t, 0);
    for (int i = 0; i < 5; i++) {
        struct kwh_customer_page pg;
        struct kwh_customer_filter f;
        memset(&f, 0, sizeof f);
        f.by_name = true;
        strcpy(f.name, i % 2 ? "欧阳建国" : "司马小红");
        t0 = now_ms();
        if (query_customers(c, &s, &f, &pg, &e) < 0)
            die("customers by name", &e);
        add(&t, now_ms() - t0);
        query_customer_page_fini(&pg);
    }
    report("account query by name (scan)", &t, 0);

    /* sale commits: an opening on a blank card, then a sale once the meter loaded it */
    {
        struct fakecard *card = fakecard_new();
        struct kwh_site_keys keys;
        struct store *db;
        uint8_t secret[KWH_SECRET_LEN];
        char area[16];
        bool found;
        struct timer sell = {0};
        int64_t tariff_id;
        struct kwh_tariff *tl;
        size_t nt;

        if (store_open(&db, path, false, &e) < 0 || store_secret_get(db, secret, &e) < 0 ||
            store_setting_get(db, "area_code", area, sizeof area, &found, &e) < 0 ||
            card_keys_derive(&keys, secret, area, &e) < 0 || tariff_list(c, &tl, &nt, &e) < 0)
            die("keys", &e);
        store_close(db);
        tariff_id = tl[0].id;
        free(tl);
        rng ^= (uint64_t)time(NULL) << 20 | (uint64_t)getpid(); /* new meters on every run */
        core_set_card_dev(c, fakecard_dev(card));
        for (int i = 0; i < 100; i++) {
            struct kwh_account_req a;
            struct kwh_purchase_req p = {KWH_BY_KWH, 10000, 0, KWH_PAY_CASH, ""};
            struct kwh_receipt r;
            memset(&a, 0, sizeof a);
            snprintf(a.name, sizeof a.name, "测试户%d", i);
            a.meter = (struct kwh_meter){(uint32_t)(90000000 + rnd(9000000)),
                                         KWH_METER_SINGLE,
                                         60,
                                         40,
                                         1000,
                                         500,
                                         200000,
                                         1};
            a.tariff_id = tariff_id;
            fakecard_blank(card);
            t0 = now_ms();
            if (ops_open(c, &s, &a, &p, &r, &e) < 0) {
                if (e.code == KWH_ECONFLICT)
                    continue; /* a meter number drawn twice */
                die("open", &e);
            }
            add(&t, now_ms() - t0);
            meter_loads(card, &keys, core_now(c));
            p.value = 5000;
            t0 = now_ms();
            if (ops_sell(c, &s, r.customer.customer_no, &p, &r, &e) < 0)
                die("sell", &e);
            add(&sell, now_ms() - t0);
        }
        report("sale commit: opening + purchase", &t, 0);
        report("sale commit: daily sale (M11)", &sell, 0);
        fakecard_free(card);
    }
    /* --backup-dir none: the backup is left out (a quick run) */
    for (int i = 0; i < 3 && strcmp(backup_dir, "none") != 0; i++) {
        struct kwh_backup_opts o = {.dir = backup_dir, .keep = 1};
        struct kwh_backup_info info;
        t0 = now_ms();
        if (backup_run(c, &o, &info, &e) < 0)
            die("backup", &e);
        add(&t, now_ms() - t0);
        if (i == 2)
            printf("backup file: %lld MB\n", (long long)(info.bytes >> 20));
    }
    if (strcmp(backup_dir, "none") != 0)
        report("backup (online copy + integrity)", &t, 0);
    core_close(c);
    return 0;
}
