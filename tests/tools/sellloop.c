/* SPDX-License-Identifier: Apache-2.0 */
/* sellloop: a terminal that keeps selling, for the backup-during-sales suite.
 *
 *   sellloop --db PATH --user NAME --first-meter N --count N --log FILE [--stop FILE]
 *
 * Reads the operator's password from standard input, then opens up to COUNT accounts on
 * meters FIRST.., each with a first purchase, through the core's card path on an
 * in-memory card, until the stop file exists. After each committed sale it appends
 * "INVOICE AMOUNT_FEN" to the log (flushed), so a backup taken meanwhile can be checked
 * against what had been committed when it was taken. The database stays open until the
 * end, as a terminal's does. Prints "sold N fen SUM" and exits 0, or 1 on the first
 * error. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fakecard.h"
#include "kwhpos/core.h"
#include "kwhpos/util.h"
#include "ops.h"

static int usage(void)
{
    fprintf(stderr, "usage: sellloop --db PATH --user NAME --first-meter N --count N --log "
                    "FILE [--stop FILE]\n");
    return 2;
}

int main(int argc, char **argv)
{
    const char *db = NULL, *user = NULL, *log_path = NULL, *stop = NULL;
    long first = 0, count = 0;
    char pw[128];
    struct kwh_core *c;
    struct kwh_session s;
    struct kwh_tariff *t;
    struct fakecard *card;
    struct kwh_err e;
    FILE *log;
    size_t nt;
    int64_t sum = 0;

    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--db") == 0)
            db = argv[i + 1];
        else if (strcmp(argv[i], "--user") == 0)
            user = argv[i + 1];
        else if (strcmp(argv[i], "--first-meter") == 0)
            first = strtol(argv[i + 1], NULL, 10);
        else if (strcmp(argv[i], "--count") == 0)
            count = strtol(argv[i + 1], NULL, 10);
        else if (strcmp(argv[i], "--log") == 0)
            log_path = argv[i + 1];
        else if (strcmp(argv[i], "--stop") == 0)
            stop = argv[i + 1];
        else
            return usage();
    }
    if (db == NULL || user == NULL || log_path == NULL || first < 1 || count < 1 ||
        fgets(pw, sizeof pw, stdin) == NULL)
        return usage();
    pw[strcspn(pw, "\r\n")] = '\0';
    if (core_open(&c, db, &e) < 0 || auth_login(c, user, pw, &s, &e) < 0 ||
        tariff_list(c, &t, &nt, &e) < 0) {
        fprintf(stderr, "sellloop: %s\n", e.msg);
        return 1;
    }
    if ((log = fopen(log_path, "a")) == NULL) {
        perror("sellloop: log");
        return 1;
    }
    card = fakecard_new();
    core_set_card_dev(c, fakecard_dev(card));
    long sold = 0;
    for (long i = 0; i < count && (stop == NULL || access(stop, F_OK) != 0); i++) {
        struct kwh_account_req a;
        struct kwh_purchase_req p = {KWH_BY_KWH, (i % 7 + 1) * 1000 + i, 0, (int)(i % 5)};
        struct kwh_receipt r;

        memset(&a, 0, sizeof a);
        snprintf(a.name, sizeof a.name, "户%ld", i);
        a.meter.meter_no = (uint32_t)(first + i);
        a.meter.meter_type = KWH_METER_SINGLE;
        a.meter.rating_a = 60;
        a.meter.current_limit_a = 40;
        a.meter.alarm_ckwh = 1000;
        a.meter.overdraft_ckwh = 500;
        a.meter.hoard_ckwh = 200000;
        a.meter.ct_ratio = 1;
        a.tariff_id = t[i % nt].id;
        fakecard_blank(card);
        if (ops_open(c, &s, &a, &p, &r, &e) < 0) {
            fprintf(stderr, "sellloop: sale %ld: %s\n", i, e.msg);
            return 1;
        }
        fprintf(log, "%lld %lld\n", (long long)r.sale.invoice_no, (long long)r.sale.amount_fen);
        fflush(log);
        sum += r.sale.amount_fen;
        sold++;
    }
    fclose(log);
    printf("sold %ld fen %lld\n", sold, (long long)sum);
    free(t);
    fakecard_free(card);
    core_close(c);
    return 0;
}
