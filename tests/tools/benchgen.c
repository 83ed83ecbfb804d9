/* SPDX-License-Identifier: Apache-2.0 */
/* benchgen: a large site for `make bench` (docs/performance.md).
 *
 *   benchgen --db PATH [--customers N] [--sales N] [--days D] [--seed S]
 *
 * Creates the site through the core (schema, secret, operators: system with password
 * bench-admin-1, clerk1 and clerk2 with bench-clerk-1), then writes the accounts and
 * the sales with SQL of its own in large transactions, with journaling off for the
 * duration. As bulk loads do, indexes that rows would reach in random order are dropped
 * while rows go in and made again afterwards from the schema's own definitions; the
 * schema's triggers (account totals, the sales' hourly summary) run for every row. Sales
 * are spread evenly over the last D days up to now, oldest first, as a site records them. They
 * carry no card_ops rows (a real site's card images would triple the file; see
 * docs/performance.md). Prints the time each part took. */
#include <inttypes.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kwhpos/core.h"
#include "kwhpos/units.h"
#include "kwhpos/util.h"

#define BATCH 200000

static uint64_t rng;

static uint32_t rnd(uint32_t n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng % n);
}

static double since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

static void die_db(sqlite3 *db, const char *what)
{
    fprintf(stderr, "benchgen: %s: %s\n", what, sqlite3_errmsg(db));
    exit(1);
}

static void exec(sqlite3 *db, const char *sql)
{
    if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
        die_db(db, sql);
}

static sqlite3_stmt *prep(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        die_db(db, sql);
    return st;
}

static void step(sqlite3 *db, sqlite3_stmt *st)
{
    if (sqlite3_step(st) != SQLITE_DONE)
        die_db(db, "insert");
    sqlite3_reset(st);
}

/* The definitions of schema objects dropped for the load, made again by redo. */
struct saved {
    char *sql[32];
    int n;
};

/* Drops the objects of table whose type and name match (LIKE patterns), keeping their
 * definitions in sv. */
static void drop(sqlite3 *db, const char *table, const char *type, const char *name,
                 struct saved *sv)
{
    sqlite3_stmt *st = prep(db, "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = ? "
                                "AND sql IS NOT NULL AND type LIKE ? AND name LIKE ?");
    char *names[32][2];
    int n = 0;
    sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, type, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
    while (sqlite3_step(st) == SQLITE_ROW && n < 32 && sv->n < 32) {
        names[n][0] = strdup((const char *)sqlite3_column_text(st, 0));
        names[n][1] = strdup((const char *)sqlite3_column_text(st, 1));
        sv->sql[sv->n++] = strdup((const char *)sqlite3_column_text(st, 2));
        n++;
    }
    sqlite3_finalize(st);
    for (int i = 0; i < n; i++) {
        char sql[256];
        snprintf(sql, sizeof sql, "DROP %s %s", names[i][0], names[i][1]);
        exec(db, sql);
        free(names[i][0]);
        free(names[i][1]);
    }
}

static void redo(sqlite3 *db, struct saved *sv)
{
    for (int i = 0; i < sv->n; i++) {
        exec(db, sv->sql[i]);
        free(sv->sql[i]);
    }
    sv->n = 0;
}

/* The summary of the hour being written: [operator][kind][pay] -> n, energy, adjust,
 * amount, fee. */
struct hour_sums {
    int64_t hour;
    int64_t ops[3];
    int64_t v[3][KWH_OP_WIPE + 1][KWH_PAY_COUNT][5];
    sqlite3_stmt *st;
};

static void flush(sqlite3 *db, struct hour_sums *h, int64_t next)
{
    for (int o = 0; o < 3 && h->hour >= 0; o++)
        for (int k = 0; k <= KWH_OP_WIPE; k++)
            for (int p = 0; p < KWH_PAY_COUNT; p++) {
                int64_t *c = h->v[o][k][p];
                if (c[0] == 0)
                    continue;
                sqlite3_bind_int64(h->st, 1, h->hour);
                sqlite3_bind_int64(h->st, 2, h->ops[o]);
                sqlite3_bind_int(h->st, 3, k);
                sqlite3_bind_int(h->st, 4, p);
                for (int i = 0; i < 5; i++)
                    sqlite3_bind_int64(h->st, 5 + i, c[i]);
                step(db, h->st);
            }
    memset(h->v, 0, sizeof h->v);
    h->hour = next;
}

static const char *const surnames[] = {"张", "王", "李", "赵", "刘",   "陈",  "杨", "黄",
                                       "周", "吴", "徐", "孙", "胡",   "朱",  "高", "林",
                                       "何", "郭", "马", "罗", "欧阳", "司马"};
static const char *const given[] = {"伟", "芳",   "娜", "敏", "静",   "丽",  "强", "磊",
                                    "军", "洋",   "勇", "艳", "杰",   "娟",  "涛", "明",
                                    "超", "秀英", "华", "平", "建国", "小红"};

/* A new operator sets their own password at the first login. */
static int first_password(struct kwh_core *c, const char *name, struct kwh_err *e)
{
    struct kwh_session s;
    if (auth_login(c, name, "bench-first-1", &s, e) < 0)
        return -1;
    return auth_change_password(c, &s, name, "bench-first-1", "bench-clerk-1", "bench-clerk-1", e);
}

static int setup_site(const char *path, struct kwh_err *e)
{
    struct kwh_init_req req = {.area_code = "123456",
                               .unit_name = "性能测试物业",
                               .unit_phone = "0571-0000000",
                               .demo_tariffs = true};
    struct kwh_core *c;
    struct kwh_session s;
    if (core_init_site(path, &req, e) < 0 || core_open(&c, path, e) < 0)
        return -1;
    if (auth_login(c, "system", "1", &s, e) < 0 ||
        auth_change_password(c, &s, "system", "1", "bench-admin-1", "bench-admin-1", e) < 0 ||
        auth_login(c, "system", "bench-admin-1", &s, e) < 0 ||
        auth_operator_add(c, &s, "clerk1", KWH_ROLE_SELLER, "bench-first-1", "bench-first-1", e) <
            0 ||
        auth_operator_add(c, &s, "clerk2", KWH_ROLE_SELLER, "bench-first-1", "bench-first-1", e) <
            0 ||
        first_password(c, "clerk1", e) < 0 || first_password(c, "clerk2", e) < 0) {
        core_close(c);
        return -1;
    }
    core_close(c);
    return 0;
}

int main(int argc, char **argv)
{
    const char *path = NULL;
    long customers = 1000000, sales = 10000000, days = 365;
    int64_t tariff[2], price[2], ops[3], now = (int64_t)time(NULL);
    struct timespec t0, t1;
    struct kwh_err e;
    sqlite3 *db;
    sqlite3_stmt *st;

    rng = 0x9E3779B97F4A7C15ull;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--db") == 0)
            path = argv[i + 1];
        else if (strcmp(argv[i], "--customers") == 0)
            customers = strtol(argv[i + 1], NULL, 10);
        else if (strcmp(argv[i], "--sales") == 0)
            sales = strtol(argv[i + 1], NULL, 10);
        else if (strcmp(argv[i], "--days") == 0)
            days = strtol(argv[i + 1], NULL, 10);
        else if (strcmp(argv[i], "--seed") == 0)
            rng = strtoull(argv[i + 1], NULL, 10) | 1;
        else
            path = NULL, i = argc;
    }
    if (path == NULL || customers < 1 || customers > 80000000 || sales < 0 || days < 1) {
        fprintf(stderr, "usage: benchgen --db PATH [--customers N] [--sales N] [--days D] "
                        "[--seed S]\n");
        return 2;
    }
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (setup_site(path, &e) < 0) {
        fprintf(stderr, "benchgen: %s\n", e.msg);
        return 1;
    }
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
        die_db(db, path);
    exec(db, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-1000000; "
             "PRAGMA locking_mode=EXCLUSIVE; PRAGMA temp_store=MEMORY");
    st = prep(db, "SELECT t.id, (SELECT price FROM tariff_prices WHERE tariff_id = t.id ORDER "
                  "BY id DESC LIMIT 1) FROM tariffs t ORDER BY t.id LIMIT 2");
    for (int i = 0; i < 2 && sqlite3_step(st) == SQLITE_ROW; i++) {
        tariff[i] = sqlite3_column_int64(st, 0);
        price[i] = sqlite3_column_int64(st, 1);
    }
    sqlite3_finalize(st);
    st = prep(db, "SELECT id FROM operators ORDER BY id LIMIT 3");
    for (int i = 0; i < 3 && sqlite3_step(st) == SQLITE_ROW; i++)
        ops[i] = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    printf("site and operators      %7.1f s\n", since(&t0));

    clock_gettime(CLOCK_MONOTONIC, &t1);
    struct saved sv = {.n = 0};
    drop(db, "customers", "index", "%", &sv);
    st = prep(db, "INSERT INTO customers (customer_no, name, address, phone, meter_no, "
                  "meter_type, rating_a, current_limit_a, alarm_ckwh, overdraft_ckwh, "
                  "hoard_ckwh, ct_ratio, tariff_id, status, card_gen, purchase_count, "
                  "loaded_count, balance_ckwh, opened, last_purchase, name_py, area_id) VALUES "
                  "(?, ?, ?, ?, ?, 1, 60, 40, 1000, 500, 200000, 1, ?, ?, 1, ?, ?, ?, ?, ?, ?, "
                  "(SELECT id FROM areas WHERE parent_id IS NULL))");
    exec(db, "BEGIN");
    for (long i = 0; i < customers; i++) {
        char name[64], addr[96], phone[16];
        int count = (int)rnd(40) + 1;
        snprintf(name, sizeof name, "%s%s%s", surnames[rnd(KWH_ARRAY_LEN(surnames))],
                 given[rnd(KWH_ARRAY_LEN(given))], rnd(3) ? "" : given[rnd(8)]);
        snprintf(addr, sizeof addr, "%ld号楼%u单元%u室", i / 240 + 1, rnd(6) + 1,
                 rnd(30) * 100 + rnd(4) + 101);
        snprintf(phone, sizeof phone, "13%09u", rnd(1000000000));
        sqlite3_bind_int64(st, 1, 10000001 + i);
        sqlite3_bind_text(st, 2, name, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 3, addr, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 4, phone, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(st, 5, 10000000 + i);
        sqlite3_bind_int64(st, 6, tariff[rnd(10) < 8 ? 0 : 1]);
        sqlite3_bind_int(st, 7, rnd(100) < 97 ? KWH_CUST_OPEN : KWH_CUST_CLOSED);
        sqlite3_bind_int(st, 8, count);
        sqlite3_bind_int(st, 9, count);
        sqlite3_bind_int64(st, 10, rnd(200000));
        sqlite3_bind_int64(st, 11, now - days * 86400 - rnd(86400 * 365));
        sqlite3_bind_int64(st, 12, now - rnd((uint32_t)(days * 86400)));
        {
            char py[64]; /* the search's initials, as the store keeps them */
            pinyin_initials(name, py, sizeof py);
            sqlite3_bind_text(st, 13, py, -1, SQLITE_TRANSIENT);
        }
        step(db, st);
        if ((i + 1) % BATCH == 0)
            exec(db, "COMMIT; BEGIN");
    }
    exec(db, "COMMIT");
    sqlite3_finalize(st);
    redo(db, &sv);
    printf("%9ld accounts       %7.1f s\n", customers, since(&t1));

    clock_gettime(CLOCK_MONOTONIC, &t1);
    /* sales arrive in time order, so their other indexes only ever append; the index by
       account is in random order and cheaper made afterwards. The hourly summary the
       triggers would keep is added up here, an hour at a time, and written as it closes. */
    drop(db, "sales", "index", "sales_customer", &sv);
    drop(db, "sales", "trigger", "sales_sum_%", &sv);
    struct hour_sums sums = {.hour = -1};
    sums.st = prep(db, "INSERT INTO sales_sum (hour, operator_id, kind, pay_method, n, "
                       "energy_ckwh, adjust_ckwh, free_ckwh, amount_fen, fee_fen) VALUES "
                       "(?, ?, ?, ?, ?, ?, ?, 0, ?, ?)");
    for (int i = 0; i < 3; i++)
        sums.ops[i] = ops[i];
    st = prep(db, "INSERT INTO sales (kind, state, customer_id, meter_no, purchase_count, "
                  "energy_ckwh, adjust_ckwh, price, tariff_id, amount_fen, fee_fen, "
                  "pay_method, by_amount, operator_id, created, settled, invoice_no) VALUES "
                  "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    exec(db, "BEGIN");
    int64_t start = now - days * 86400, invoice = 0;
    for (long i = 0; i < sales; i++) {
        uint32_t k = rnd(1000), p = rnd(100);
        int kind = k < 940   ? KWH_OP_SALE
                   : k < 955 ? KWH_OP_OPEN
                   : k < 970 ? KWH_OP_RESALE
                   : k < 985 ? KWH_OP_REISSUE
                   : k < 993 ? KWH_OP_METER_CHANGE
                             : KWH_OP_REFUND;
        int state = rnd(1000) < 3 ? KWH_STATE_VOID : KWH_STATE_DONE;
        int pay = p < 50   ? KWH_PAY_CASH
                  : p < 75 ? KWH_PAY_WECHAT
                  : p < 95 ? KWH_PAY_ALIPAY
                  : p < 99 ? KWH_PAY_CARD
                           : KWH_PAY_OTHER;
        int t = rnd(10) < 8 ? 0 : 1;
        int64_t cid = 1 + (int64_t)rnd((uint32_t)customers);
        int64_t energy = 1000 + rnd(40000), fee = 0, adjust = rnd(50) == 0 ? 500 : 0;
        int op = rnd(10) < 2 ? 0 : 1 + (int)rnd(2);
        int64_t created = start + (int64_t)((double)i * (double)(days * 86400) / (double)sales);
        if (kind == KWH_OP_REISSUE) {
            fee = 1000;
            energy = rnd(2) ? energy : 0;
        } else if (kind == KWH_OP_REFUND) {
            energy = -energy / 4;
        }
        int64_t amount = kind == KWH_OP_REFUND ? -units_refund_for_energy(-energy, price[t])
                                               : units_amount_for_energy(energy, price[t]);
        sqlite3_bind_int(st, 1, kind);
        sqlite3_bind_int(st, 2, state);
        sqlite3_bind_int64(st, 3, cid);
        sqlite3_bind_int64(st, 4, 9999999 + cid);
        sqlite3_bind_int(st, 5, (int)rnd(60) + 1);
        sqlite3_bind_int64(st, 6, energy);
        sqlite3_bind_int64(st, 7, adjust);
        sqlite3_bind_int64(st, 8, price[t]);
        sqlite3_bind_int64(st, 9, tariff[t]);
        sqlite3_bind_int64(st, 10, amount);
        sqlite3_bind_int64(st, 11, fee);
        sqlite3_bind_int(st, 12, pay);
        sqlite3_bind_int(st, 13, (int)rnd(2));
        sqlite3_bind_int64(st, 14, ops[op]);
        sqlite3_bind_int64(st, 15, created);
        sqlite3_bind_int64(st, 16, created);
        if (state == KWH_STATE_DONE)
            sqlite3_bind_int64(st, 17, ++invoice);
        else
            sqlite3_bind_null(st, 17);
        step(db, st);
        if (state == KWH_STATE_DONE) {
            if (created / 3600 != sums.hour)
                flush(db, &sums, created / 3600);
            int64_t *cell = sums.v[op][kind][pay];
            cell[0]++;
            cell[1] += energy;
            cell[2] += adjust;
            cell[3] += amount;
            cell[4] += fee;
        }
        if ((i + 1) % BATCH == 0)
            exec(db, "COMMIT; BEGIN");
    }
    flush(db, &sums, -1);
    exec(db, "COMMIT");
    sqlite3_finalize(st);
    sqlite3_finalize(sums.st);
    printf("%9ld sales          %7.1f s\n", sales, since(&t1));
    clock_gettime(CLOCK_MONOTONIC, &t1);
    redo(db, &sv);
    exec(db, "PRAGMA journal_mode=WAL");
    sqlite3_close(db);
    printf("index by account        %7.1f s\n", since(&t1));
    printf("total                   %7.1f s\n", since(&t0));
    return 0;
}
