/* SPDX-License-Identifier: Apache-2.0 */
/* Customers (accounts) and the maintained totals. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kwhpos/util.h"
#include "store/customer_row.h"
#include "store/sql.h"

#define FIRST_CUSTOMER_NO 10000001

static void read_customer(sql_stmt *st, struct kwh_customer *c)
{
    memset(c, 0, sizeof *c);
    c->id = sql_col_i64(st, 0);
    c->customer_no = (uint32_t)sql_col_i64(st, 1);
    sql_col_text(st, 2, c->name, sizeof c->name);
    sql_col_text(st, 3, c->address, sizeof c->address);
    sql_col_text(st, 4, c->phone, sizeof c->phone);
    c->meter.meter_no = (uint32_t)sql_col_i64(st, 5);
    c->meter.meter_type = sql_col_int(st, 6);
    c->meter.rating_a = sql_col_int(st, 7);
    c->meter.current_limit_a = sql_col_int(st, 8);
    c->meter.alarm_ckwh = sql_col_i64(st, 9);
    c->meter.overdraft_ckwh = sql_col_i64(st, 10);
    c->meter.hoard_ckwh = sql_col_i64(st, 11);
    c->meter.ct_ratio = sql_col_int(st, 12);
    c->tariff_id = sql_col_i64(st, 13);
    sql_col_text(st, 14, c->tariff_name, sizeof c->tariff_name);
    c->status = sql_col_int(st, 15);
    sql_col_blob(st, 16, c->card_serial, sizeof c->card_serial);
    c->card_gen = sql_col_int(st, 17);
    c->purchase_count = sql_col_int(st, 18);
    c->loaded_count = sql_col_int(st, 19);
    c->balance_ckwh = sql_col_i64(st, 20);
    c->reported_remaining_ckwh = sql_col_i64(st, 21);
    c->reported_at = sql_col_i64(st, 22);
    c->opened = sql_col_i64(st, 23);
    c->closed = sql_col_i64(st, 24);
    c->last_purchase = sql_col_i64(st, 25);
    c->free_month = sql_col_int(st, 26);
    c->price = sql_col_i64(st, 27);
    c->period_start = sql_col_int(st, 28);
    c->period_ckwh = sql_col_i64(st, 29);
    c->tier_extra_ckwh = sql_col_i64(st, 30);
    c->arrears_fen = sql_col_i64(st, 31);
    c->fee_month = sql_col_int(st, 32);
    c->recovery_mode = sql_col_int(st, 33);
    c->recovery_value = sql_col_i64(st, 34);
    c->area_id = sql_col_i64(st, 35);
}

/* The groups of columns, each with its assignments and its binding. */
static void bind_person(sql_stmt *st, const struct kwh_customer *c)
{
    char py[KWH_TEXT_MAX];
    pinyin_initials(c->name, py, sizeof py);
    sql_text(st, ":py", py);
    sql_text(st, ":name", c->name);
    sql_text(st, ":address", c->address);
    sql_text(st, ":phone", c->phone);
}

static void bind_area(sql_stmt *st, const struct kwh_customer *c)
{
    sql_i64(st, ":area", c->area_id);
}

static void bind_tariff(sql_stmt *st, const struct kwh_customer *c)
{
    sql_i64(st, ":tariff", c->tariff_id);
}

static void bind_meter(sql_stmt *st, const struct kwh_customer *c)
{
    sql_i64(st, ":meter_no", c->meter.meter_no);
    sql_i64(st, ":meter_type", c->meter.meter_type);
}

static void bind_params(sql_stmt *st, const struct kwh_customer *c)
{
    sql_i64(st, ":rating", c->meter.rating_a);
    sql_i64(st, ":limit", c->meter.current_limit_a);
    sql_i64(st, ":alarm", c->meter.alarm_ckwh);
    sql_i64(st, ":overdraft", c->meter.overdraft_ckwh);
    sql_i64(st, ":hoard", c->meter.hoard_ckwh);
    sql_i64(st, ":ct", c->meter.ct_ratio);
}

static void bind_status(sql_stmt *st, const struct kwh_customer *c)
{
    sql_i64(st, ":status", c->status);
}

static void bind_card(sql_stmt *st, const struct kwh_customer *c)
{
    bool set = false;
    for (size_t i = 0; i < KWH_SERIAL_LEN; i++)
        set |= c->card_serial[i] != 0xFF;
    if (set)
        sql_blob(st, ":serial", c->card_serial, KWH_SERIAL_LEN);
    else
        sql_null(st, ":serial");
    sql_i64(st, ":gen", c->card_gen);
}

static void bind_count(sql_stmt *st, const struct kwh_customer *c)
{
    sql_i64(st, ":count", c->purchase_count);
}

static void bind_loaded(sql_stmt *st, const struct kwh_customer *c)
{
    sql_i64(st, ":loaded", c->loaded_count);
}

static void bind_balance(sql_stmt *st, const struct kwh_customer *c)
{
    sql_i64(st, ":balance", c->balance_ckwh);
}

static void bind_report(sql_stmt *st, const struct kwh_customer *c)
{
    sql_i64(st, ":reported", c->reported_remaining_ckwh);
    sql_i64(st, ":reported_at", c->reported_at);
}

static void bind_closed(sql_stmt *st, const struct kwh_customer *c)
{
    sql_i64(st, ":closed", c->closed);
}

static void bind_bought(sql_stmt *st, const struct kwh_customer *c)
{
    sql_i64(st, ":last_purchase", c->last_purchase);
    sql_i64(st, ":free_month", c->free_month);
}

static void bind_opened(sql_stmt *st, const struct kwh_customer *c)
{
    sql_i64(st, ":opened", c->opened);
}

static void bind_money(sql_stmt *st, const struct kwh_customer *c)
{
    sql_i64(st, ":period_start", c->period_start);
    sql_i64(st, ":period_ckwh", c->period_ckwh);
    sql_i64(st, ":arrears", c->arrears_fen);
    sql_i64(st, ":fee_month", c->fee_month);
}

static void bind_terms(sql_stmt *st, const struct kwh_customer *c)
{
    sql_i64(st, ":tier_extra", c->tier_extra_ckwh);
    sql_i64(st, ":recovery_mode", c->recovery_mode);
    sql_i64(st, ":recovery_value", c->recovery_value);
}

static const struct {
    unsigned field;
    const char *set; /* the assignments, as in an UPDATE */
    void (*bind)(sql_stmt *st, const struct kwh_customer *c);
} groups[] = {
    {STORE_CU_PERSON, "name = :name, address = :address, phone = :phone, name_py = :py",
     bind_person},
    {STORE_CU_AREA,
     "area_id = COALESCE(NULLIF(:area, 0), (SELECT id FROM areas WHERE parent_id IS NULL))",
     bind_area},
    {STORE_CU_TARIFF, "tariff_id = :tariff", bind_tariff},
    {STORE_CU_METER, "meter_no = :meter_no, meter_type = :meter_type", bind_meter},
    {STORE_CU_PARAMS,
     "rating_a = :rating, current_limit_a = :limit, alarm_ckwh = :alarm, "
     "overdraft_ckwh = :overdraft, hoard_ckwh = :hoard, ct_ratio = :ct",
     bind_params},
    {STORE_CU_STATUS, "status = :status", bind_status},
    {STORE_CU_CARD, "card_serial = :serial, card_gen = :gen", bind_card},
    {STORE_CU_COUNT, "purchase_count = :count", bind_count},
    {STORE_CU_LOADED, "loaded_count = :loaded", bind_loaded},
    {STORE_CU_BALANCE, "balance_ckwh = :balance", bind_balance},
    {STORE_CU_REPORT, "reported_remaining_ckwh = :reported, reported_at = :reported_at",
     bind_report},
    {STORE_CU_CLOSED, "closed = :closed", bind_closed},
    {STORE_CU_BOUGHT, "last_purchase = :last_purchase, free_month = :free_month", bind_bought},
    {STORE_CU_OPENED, "opened = :opened", bind_opened},
    {STORE_CU_MONEY,
     "period_start = :period_start, period_ckwh = :period_ckwh, arrears_fen = :arrears, "
     "fee_month = :fee_month",
     bind_money},
    {STORE_CU_TERMS,
     "tier_extra_ckwh = :tier_extra, recovery_mode = :recovery_mode, recovery_value = "
     ":recovery_value",
     bind_terms},
};
#define NGROUPS (sizeof groups / sizeof groups[0])

static void bind_customer(sql_stmt *st, const struct kwh_customer *c)
{
    for (size_t i = 0; i < NGROUPS; i++)
        groups[i].bind(st, c);
}

static int meter_conflict(struct kwh_err *e, uint32_t meter_no)
{
    return kwh_err_set(e, KWH_ECONFLICT,
                       "meter number %08u already belongs to an open "
                       "account",
                       meter_no);
}

/* SQLite: the next number is max + 1 (terminals take turns; a number two terminals took at
 * once is refused at the insert, "try again"). PostgreSQL: stations plan openings at the
 * same time, so each number is also reserved in settings (customer_no_reserved), by one
 * atomic upsert: two stations never plan the same number; an opening that does not
 * happen leaves its number unused. */
int store_customer_next_no(struct store *s, uint32_t *no, struct kwh_err *e)
{
    sql_stmt *st = sql_prep(s, "SELECT max(customer_no) FROM customers", e);
    int64_t max, next;
    int rc;
    if (st == NULL)
        return KWH_EDB;
    if ((rc = sql_int(s, st, 0, &max, e)) < 0)
        return rc;
    next = max < FIRST_CUSTOMER_NO ? FIRST_CUSTOMER_NO : max + 1;
    if (s->be->dialect == SQL_PG) {
        st = sql_prep(s,
                      "INSERT INTO settings (key, value) VALUES ('customer_no_reserved', "
                      "CAST(:next AS TEXT)) ON CONFLICT (key) DO UPDATE SET value = "
                      "CAST(GREATEST(CAST(settings.value AS BIGINT) + 1, :next) AS TEXT) "
                      "RETURNING CAST(value AS BIGINT)",
                      e);
        if (st == NULL)
            return KWH_EDB;
        sql_i64(st, ":next", next);
        if ((rc = sql_int(s, st, next, &next, e)) < 0)
            return rc;
    }
    if (next > 99999999)
        return kwh_err_set(e, KWH_ECONFLICT, "customer numbers are exhausted");
    *no = (uint32_t)next;
    return 0;
}

int store_customer_insert(struct store *s, struct kwh_customer *c, struct kwh_err *e)
{
    sql_stmt *st;
    int rc;

    if (c->customer_no == 0 && (rc = store_customer_next_no(s, &c->customer_no, e)) < 0)
        return rc;
    st = sql_prep(s,
                  "INSERT INTO customers (customer_no, name, address, phone, meter_no, "
                  "meter_type, rating_a, current_limit_a, alarm_ckwh, overdraft_ckwh, "
                  "hoard_ckwh, ct_ratio, tariff_id, status, card_serial, card_gen, "
                  "purchase_count, loaded_count, balance_ckwh, reported_remaining_ckwh, "
                  "reported_at, opened, closed, last_purchase, free_month, period_start, "
                  "period_ckwh, arrears_fen, fee_month, tier_extra_ckwh, recovery_mode, "
                  "recovery_value, name_py, area_id) VALUES (:no, "
                  ":name, :address, :phone, :meter_no, :meter_type, :rating, :limit, :alarm, "
                  ":overdraft, :hoard, :ct, :tariff, :status, :serial, :gen, :count, :loaded, "
                  ":balance, :reported, :reported_at, :opened, :closed, :last_purchase, "
                  ":free_month, :period_start, :period_ckwh, :arrears, :fee_month, :tier_extra, "
                  ":recovery_mode, :recovery_value, :py, COALESCE(NULLIF(:area, 0), (SELECT id "
                  "FROM areas WHERE parent_id IS NULL))) RETURNING id",
                  e);
    if (st == NULL)
        return KWH_EDB;
    sql_i64(st, ":no", c->customer_no);
    bind_customer(st, c);
    rc = sql_insert(s, st, &c->id, e);
    if (rc == KWH_ECONFLICT && e != NULL && strstr(e->msg, "customer_no") != NULL)
        return kwh_err_set(e, KWH_ECONFLICT,
                           "customer number %08u was just taken by another "
                           "terminal: try again",
                           c->customer_no);
    if (rc == KWH_ECONFLICT)
        return meter_conflict(e, c->meter.meter_no);
    return rc;
}

/* The UPDATE statement of one set of column groups, composed once from the constant
 * assignments above (every value is bound) and kept for the process: its address is
 * its identity in the statement cache. */
static const char *update_sql(unsigned fields)
{
    static struct {
        unsigned fields;
        char sql[1536];
    } made[64];
    static size_t nmade;
    size_t i;
    int len;

    for (i = 0; i < nmade; i++)
        if (made[i].fields == fields)
            return made[i].sql;
    if (nmade == sizeof made / sizeof made[0])
        return NULL;
    len = snprintf(made[i].sql, sizeof made[i].sql, "UPDATE customers SET ");
    for (size_t g = 0; g < NGROUPS; g++)
        if (fields & groups[g].field)
            len += snprintf(made[i].sql + len, sizeof made[i].sql - (size_t)len, "%s%s",
                            len > (int)strlen("UPDATE customers SET ") ? ", " : "", groups[g].set);
    snprintf(made[i].sql + len, sizeof made[i].sql - (size_t)len, " WHERE id = :id");
    made[i].fields = fields;
    nmade++;
    return made[i].sql;
}

int store_customer_update(struct store *s, const struct kwh_customer *c, unsigned fields,
                          struct kwh_err *e)
{
    const char *sql;
    sql_stmt *st;
    int rc;

    fields &= STORE_CU_ALL;
    if (fields == 0)
        return 0;
    if ((sql = update_sql(fields)) == NULL)
        return kwh_err_set(e, KWH_EDB, "internal error: too many kinds of account update");
    if ((st = sql_prep(s, sql, e)) == NULL)
        return KWH_EDB;
    sql_i64(st, ":id", c->id);
    for (size_t g = 0; g < NGROUPS; g++)
        if (fields & groups[g].field)
            groups[g].bind(st, c);
    rc = sql_done(s, st, e);
    if (rc == KWH_ECONFLICT)
        return meter_conflict(e, c->meter.meter_no);
    return rc;
}

void store_customer_row(sql_stmt *st, void *row)
{
    read_customer(st, row);
}

int store_customer_get(struct store *s, int64_t id, struct kwh_customer *out, struct kwh_err *e)
{
    sql_stmt *st = sql_prep(s, "SELECT " CUST_COLS CUST_FROM "WHERE c.id = :id", e);
    int rc;
    if (st == NULL)
        return KWH_EDB;
    sql_i64(st, ":id", id);
    if ((rc = sql_one(s, st, store_customer_row, out, NULL, e)) == KWH_ENOTFOUND)
        return kwh_err_set(e, rc, "no account #%lld", (long long)id);
    return rc;
}

int store_customer_by_no(struct store *s, uint32_t customer_no, struct kwh_customer *out,
                         struct kwh_err *e)
{
    sql_stmt *st = sql_prep(s, "SELECT " CUST_COLS CUST_FROM "WHERE c.customer_no = :no", e);
    int rc;
    if (st == NULL)
        return KWH_EDB;
    sql_i64(st, ":no", customer_no);
    if ((rc = sql_one(s, st, store_customer_row, out, NULL, e)) == KWH_ENOTFOUND)
        return kwh_err_set(e, rc, "no account with customer number %08u", customer_no);
    return rc;
}

int store_customer_by_meter(struct store *s, uint32_t meter_no, struct kwh_customer *out,
                            struct kwh_err *e)
{
    sql_stmt *st = sql_prep(
        s, "SELECT " CUST_COLS CUST_FROM "WHERE c.meter_no = :meter AND c.status IN (0, 1, 2)", e);
    int rc;
    if (st == NULL)
        return KWH_EDB;
    sql_i64(st, ":meter", meter_no);
    if ((rc = sql_one(s, st, store_customer_row, out, NULL, e)) == KWH_ENOTFOUND)
        return kwh_err_set(e, rc, "no open account with meter number %08u", meter_no);
    return rc;
}

int store_customer_by_serial(struct store *s, const uint8_t serial[CARD_SERIAL_LEN],
                             struct kwh_customer *out, struct kwh_err *e)
{
    sql_stmt *st = sql_prep(
        s, "SELECT " CUST_COLS CUST_FROM "WHERE c.card_serial = :serial ORDER BY c.id DESC LIMIT 1",
        e);
    if (st == NULL)
        return KWH_EDB;
    sql_blob(st, ":serial", serial, CARD_SERIAL_LEN);
    return sql_one(s, st, store_customer_row, out, KWH_N("no account for this card"), e);
}

int store_tariff_in_use(struct store *s, int64_t tariff_id, int64_t *accounts, struct kwh_err *e)
{
    sql_stmt *st = sql_prep(s,
                            "SELECT count(*) FROM customers WHERE tariff_id = :id "
                            "AND status IN (0, 1, 2)",
                            e);
    if (st == NULL)
        return KWH_EDB;
    sql_i64(st, ":id", tariff_id);
    return sql_int(s, st, 0, accounts, e);
}

static void rd_total(sql_stmt *st, void *row)
{
    struct store_total *t = row;
    t->tariff_id = sql_col_i64(st, 0);
    t->price = sql_col_i64(st, 1);
    t->accounts = sql_col_i64(st, 2);
    t->balance_ckwh = sql_col_i64(st, 3);
}

int store_totals(struct store *s, int64_t now, struct store_total **out, size_t *n,
                 struct kwh_err *e)
{
    sql_stmt *st = sql_prep(
        s,
        "SELECT tot.tariff_id, (SELECT price FROM tariff_prices WHERE id = " SQL_PRICE_IN_FORCE(
            "tot.tariff_id") "), tot.accounts, tot.balance_ckwh FROM totals tot "
                             "ORDER BY tot.tariff_id",
        e);
    if (st == NULL)
        return KWH_EDB;
    sql_i64(st, ":now", now);
    return sql_collect(s, st, sizeof **out, rd_total, (void **)out, n, e);
}

struct py_row {
    int64_t id;
    char name[KWH_TEXT_MAX];
};

static void rd_py_row(sql_stmt *st, void *row)
{
    struct py_row *r = row;
    r->id = sql_col_i64(st, 0);
    sql_col_text(st, 1, r->name, sizeof r->name);
}

int store_customers_fill_py(struct store *s, struct kwh_err *e)
{
    int64_t after = 0;
    for (;;) {
        sql_stmt *st = sql_prep(s,
                                "SELECT id, name FROM customers WHERE id > :after AND name_py = '' "
                                "ORDER BY id LIMIT 2000",
                                e);
        struct py_row *rows = NULL;
        size_t n = 0;
        int rc;
        if (st == NULL)
            return KWH_EDB;
        sql_i64(st, ":after", after);
        if ((rc = sql_collect(s, st, sizeof *rows, rd_py_row, (void **)&rows, &n, e)) < 0)
            return rc;
        for (size_t i = 0; i < n && rc == 0; i++) {
            char py[KWH_TEXT_MAX];
            sql_stmt *up = sql_prep(s, "UPDATE customers SET name_py = :py WHERE id = :id", e);
            if (up == NULL) {
                rc = KWH_EDB;
                break;
            }
            pinyin_initials(rows[i].name, py, sizeof py);
            sql_text(up, ":py", py);
            sql_i64(up, ":id", rows[i].id);
            rc = sql_done(s, up, e);
            after = rows[i].id;
        }
        free(rows);
        if (rc < 0)
            return rc;
        if (n == 0)
            return 0;
    }
}
