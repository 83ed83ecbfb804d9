/* SPDX-License-Identifier: Apache-2.0 */
/* benchsale: the wall time of whole sales through the core on a real reader, for
 * `make bench-card`.
 *
 *   benchsale --db PATH (--port PORT --baud N | --pcsc NAME) --meter N --runs N --between CMD
 *             [--tariff flat|zhejiang]
 *
 * Reads the password of operator system from standard input. Opens an account on
 * meter N with the blank card in the reader (the opening, not timed), then runs CMD
 * (through sh: the card into the meter and back, so the next sale is allowed) and
 * times ops_sell — read the card, settle, present the PSC, write the changed bytes,
 * read them back, commit to the database — RUNS times. One line a sale:
 *   sale N wall_us=W tx=T rx=R written=B exchanges=X [transmit_us=U]
 * with the reader's traffic during that sale (over PC/SC, --pcsc: the APDUs, and the time
 * spent in SCardTransmit), then read_us, plan_us and commit_us: the card read
 * (cardview_read), the plan (sale_plan: the pricing, tiers, fees) and its commit
 * (plan_commit: the card write and the database), and tiers=N, the tiers the sale
 * was split across.
 *
 * --tariff zhejiang sells on Zhejiang's residential ladder (annual from January: up to
 * 2760 kWh at 0.538, to 4800 at 0.588, above at 0.838 yuan/kWh), every timed sale
 * crossing from the first tier into the second: the account is opened with 2755 kWh,
 * and before each sale (not timed) its extra first-tier allowance puts the first
 * bound 5 kWh above what it has bought. --tariff flat (the default) sells on the
 * site's first tariff; --tariff flat2755 too, opened with 2755 kWh as the tiered account
 * is (the same bytes on the card). Exits 0, or 1 on the first error. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kwhpos/core.h"
#include "kwhpos/money.h"
#include "kwhpos/plan.h"
#include "kwhpos/pcsc.h"
#include "kwhpos/reader.h"
#include "kwhpos/util.h"
#include "ops.h"

static long long now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int usage(void)
{
    fprintf(stderr, "usage: benchsale --db PATH (--port PORT --baud N | --pcsc NAME) --meter N "
                    "--runs N --between CMD\n");
    return 2;
}

static int fail(const char *what, const struct kwh_err *e)
{
    fprintf(stderr, "benchsale: %s: %s\n", what, e->msg);
    return 1;
}

int main(int argc, char **argv)
{
    const char *db = NULL, *port = NULL, *between = NULL, *pcsc = NULL, *tariff = "flat";
    long baud = 0, meter = 0, runs = 0;
    char pw[128];
    struct kwh_core *c;
    struct kwh_session s;
    struct kwh_tariff *t;
    struct kwh_card_dev dev;
    struct kwh_account_req a;
    struct kwh_purchase_req p = {KWH_BY_KWH, 1000, 0, 0, ""};
    struct kwh_receipt r;
    struct kwh_err e;
    size_t nt;
    uint32_t customer_no;

    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--db") == 0)
            db = argv[i + 1];
        else if (strcmp(argv[i], "--port") == 0)
            port = argv[i + 1];
        else if (strcmp(argv[i], "--pcsc") == 0)
            pcsc = argv[i + 1];
        else if (strcmp(argv[i], "--baud") == 0)
            baud = strtol(argv[i + 1], NULL, 10);
        else if (strcmp(argv[i], "--meter") == 0)
            meter = strtol(argv[i + 1], NULL, 10);
        else if (strcmp(argv[i], "--runs") == 0)
            runs = strtol(argv[i + 1], NULL, 10);
        else if (strcmp(argv[i], "--between") == 0)
            between = argv[i + 1];
        else if (strcmp(argv[i], "--tariff") == 0)
            tariff = argv[i + 1];
        else
            return usage();
    }
    if (db == NULL || (port == NULL) == (pcsc == NULL) || between == NULL ||
        (port != NULL && baud <= 0) || meter < 10000000 || meter > 99999999 || runs < 1 ||
        (strcmp(tariff, "flat") != 0 && strcmp(tariff, "zhejiang") != 0 &&
         strcmp(tariff, "flat2755") != 0) ||
        fgets(pw, sizeof pw, stdin) == NULL)
        return usage();
    pw[strcspn(pw, "\r\n")] = '\0';
    if (core_open(&c, db, &e) < 0)
        return fail("database", &e);
    if (auth_login(c, "system", pw, &s, &e) < 0)
        return fail("login", &e);
    if (tariff_list(c, &t, &nt, &e) < 0 || nt == 0)
        return fail("tariffs", &e);
    if (pcsc != NULL) {
        struct pcsc_opts o;
        pcsc_opts_default(&o);
        o.reader = pcsc;
        if (pcsc_open(&o, &dev, &e) < 0)
            return fail("reader", &e);
    } else if (reader_open(port, (int)baud, SERIAL_AUTO, NULL, &dev, &e) < 0) {
        return fail("reader", &e);
    }
    core_set_card_dev(c, &dev);

    memset(&a, 0, sizeof a);
    str_copy(a.name, sizeof a.name, "测试");
    a.meter.meter_no = (uint32_t)meter;
    a.meter.meter_type = KWH_METER_SINGLE;
    a.meter.rating_a = 60;
    a.meter.current_limit_a = 40;
    a.meter.alarm_ckwh = 1000;
    a.meter.overdraft_ckwh = 500;
    a.meter.hoard_ckwh = 99999999;
    a.meter.ct_ratio = 1;
    a.tariff_id = t[0].id;
    free(t);
    if (strcmp(tariff, "zhejiang") == 0 || strcmp(tariff, "flat2755") == 0) {
        struct kwh_tariff z;
        struct kwh_purchase_req first = {KWH_BY_KWH, 275500, 0, 0, ""};
        memset(&z, 0, sizeof z);
        z.period_months = KWH_PERIOD_ANNUAL;
        z.period_start = 1;
        z.ntiers = 3;
        z.tiers[0] = (struct kwh_tier){276000, 5380};
        z.tiers[1] = (struct kwh_tier){480000, 5880};
        z.tiers[2] = (struct kwh_tier){0, 8380};
        if (strcmp(tariff, "zhejiang") == 0 &&
            tariff_set_tiers(c, &s, "浙江居民", 0, &z, &a.tariff_id, &e) < 0)
            return fail("tiered tariff", &e);
        if (ops_open(c, &s, &a, &first, &r, &e) < 0)
            return fail("opening", &e);
    } else if (ops_open(c, &s, &a, &p, &r, &e) < 0) {
        return fail("opening", &e);
    }
    customer_no = r.customer.customer_no;
    for (long i = 1; i <= runs; i++) {
        struct reader_stats before = {0};
        struct pcsc_stats pbefore = {0};
        struct kwh_card_view v;
        struct kwh_plan *plan = NULL;
        long long t0, t1, t2, wall;
        int tiers;

        if (system(between) != 0) {
            fprintf(stderr, "benchsale: the command between sales failed: %s\n", between);
            return 1;
        }
        if (strcmp(tariff, "zhejiang") == 0) {
            /* the first tier's bound 5 kWh above what the account has bought */
            struct kwh_customer cu;
            if (account_find(c, customer_no, 0, &cu, &e) < 0 ||
                account_set_tier_extra(c, &s, customer_no, cu.period_ckwh + 500 - 276000, &e) < 0)
                return fail("tier allowance", &e);
        }
        if (pcsc != NULL)
            pbefore = *pcsc_stats(&dev);
        else
            before = *reader_stats(&dev);
        t0 = now_us();
        if (cardview_read(c, &s, &v, &e) < 0)
            return fail("card read", &e);
        t1 = now_us();
        if (sale_plan(c, &s, &v, &p, &plan, &e) < 0)
            return fail("sale", &e);
        t2 = now_us();
        if (plan_commit(c, &s, plan, &r, &e) < 0)
            return fail("sale", &e);
        wall = now_us() - t0;
        plan_free(plan);
        plan = NULL;
        tiers = 0;
        for (size_t k = 0; k < r.sale.nitems; k++)
            tiers += r.sale.items[k].item == KWH_ITEM_TIER;
        if (pcsc != NULL) {
            const struct pcsc_stats *ps = pcsc_stats(&dev);
            printf("sale %ld wall_us=%lld tx=%lu rx=%lu written=%lu exchanges=%lu "
                   "transmit_us=%lu",
                   i, wall, ps->tx_bytes - pbefore.tx_bytes, ps->rx_bytes - pbefore.rx_bytes,
                   ps->written - pbefore.written, ps->apdus - pbefore.apdus,
                   ps->transmit_us - pbefore.transmit_us);
        } else {
            const struct reader_stats *st = reader_stats(&dev);
            printf("sale %ld wall_us=%lld tx=%lu rx=%lu written=%lu exchanges=%lu", i, wall,
                   st->tx_bytes - before.tx_bytes, st->rx_bytes - before.rx_bytes,
                   st->written - before.written, st->exchanges - before.exchanges);
        }
        printf(" read_us=%lld plan_us=%lld commit_us=%lld tiers=%d\n", t1 - t0, t2 - t1,
               wall - (t2 - t0), tiers);
        fflush(stdout);
    }
    core_set_card_dev(c, NULL);
    dev.ops->close(dev.ctx);
    core_close(c);
    return 0;
}
