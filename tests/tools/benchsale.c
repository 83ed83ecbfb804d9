/* SPDX-License-Identifier: Apache-2.0 */
/* benchsale: the wall time of whole sales through the core on a real reader, for
 * `make bench-card`.
 *
 *   benchsale --db PATH (--port PORT --baud N | --pcsc NAME) --meter N --runs N --between CMD
 *
 * Reads the password of operator system from standard input. Opens an account on
 * meter N with the blank card in the reader (the opening, not timed), then runs CMD
 * (through sh: the card into the meter and back, so the next sale is allowed) and
 * times ops_sell — read the card, settle, present the PSC, write the changed bytes,
 * read them back, commit to the database — RUNS times. One line a sale:
 *   sale N wall_us=W tx=T rx=R written=B exchanges=X [transmit_us=U]
 * with the reader's traffic during that sale (over PC/SC, --pcsc: the APDUs, and the time
 * spent in SCardTransmit). Exits 0, or 1 on the first error. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kwhpos/core.h"
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
    const char *db = NULL, *port = NULL, *between = NULL, *pcsc = NULL;
    long baud = 0, meter = 0, runs = 0;
    char pw[128];
    struct kwh_core *c;
    struct kwh_session s;
    struct kwh_tariff *t;
    struct kwh_card_dev dev;
    struct kwh_account_req a;
    struct kwh_purchase_req p = {KWH_BY_KWH, 1000, 0, 0};
    struct kwh_receipt r;
    struct kwh_err e;
    size_t nt;

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
        else
            return usage();
    }
    if (db == NULL || (port == NULL) == (pcsc == NULL) || between == NULL ||
        (port != NULL && baud <= 0) || meter < 10000000 || meter > 99999999 || runs < 1 ||
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
    if (ops_open(c, &s, &a, &p, &r, &e) < 0)
        return fail("opening", &e);
    for (long i = 1; i <= runs; i++) {
        struct reader_stats before = {0};
        struct pcsc_stats pbefore = {0};
        long long t0, wall;

        if (system(between) != 0) {
            fprintf(stderr, "benchsale: the command between sales failed: %s\n", between);
            return 1;
        }
        if (pcsc != NULL)
            pbefore = *pcsc_stats(&dev);
        else
            before = *reader_stats(&dev);
        t0 = now_us();
        if (ops_sell(c, &s, 0, &p, &r, &e) < 0)
            return fail("sale", &e);
        wall = now_us() - t0;
        if (pcsc != NULL) {
            const struct pcsc_stats *ps = pcsc_stats(&dev);
            printf("sale %ld wall_us=%lld tx=%lu rx=%lu written=%lu exchanges=%lu "
                   "transmit_us=%lu\n",
                   i, wall, ps->tx_bytes - pbefore.tx_bytes, ps->rx_bytes - pbefore.rx_bytes,
                   ps->written - pbefore.written, ps->apdus - pbefore.apdus,
                   ps->transmit_us - pbefore.transmit_us);
        } else {
            const struct reader_stats *st = reader_stats(&dev);
            printf("sale %ld wall_us=%lld tx=%lu rx=%lu written=%lu exchanges=%lu\n", i, wall,
                   st->tx_bytes - before.tx_bytes, st->rx_bytes - before.rx_bytes,
                   st->written - before.written, st->exchanges - before.exchanges);
        }
        fflush(stdout);
    }
    core_set_card_dev(c, NULL);
    dev.ops->close(dev.ctx);
    core_close(c);
    return 0;
}
