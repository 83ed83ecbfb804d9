/* SPDX-License-Identifier: Apache-2.0 */
/* Tariffs and their price history. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kwhpos/util.h"
#include "store/sql.h"

/* A tariff with the price version in force at :now, the next version scheduled after
 * :now, and its open accounts. */
#define TARIFF_SELECT                                                                              \
    "SELECT t.id, t.name, p.price, p.valid_from, tot.accounts, p.id, p.period_months, "            \
    "p.period_start, t.kind, nx.price, nx.valid_from, nx.period_months FROM tariffs t "            \
    "JOIN tariff_prices p ON p.id = " SQL_PRICE_IN_FORCE(                                          \
        "t.id") " "                                                                                \
                "LEFT JOIN tariff_prices nx ON nx.id = (SELECT id FROM tariff_prices WHERE "       \
                "tariff_id = t.id "                                                                \
                "AND valid_from > :now AND valid_from > p.valid_from ORDER BY valid_from, id "     \
                "DESC LIMIT 1) "                                                                   \
                "LEFT JOIN totals tot ON tot.tariff_id = t.id "

static void read_tariff(sql_stmt *st, struct kwh_tariff *t)
{
    memset(t, 0, sizeof *t);
    t->id = sql_col_i64(st, 0);
    sql_col_text(st, 1, t->name, sizeof t->name);
    t->price = sql_col_i64(st, 2);
    t->price_since = sql_col_i64(st, 3);
    t->customers = sql_col_i64(st, 4);
    t->price_id = sql_col_i64(st, 5);
    t->period_months = sql_col_int(st, 6);
    t->period_start = sql_col_int(st, 7);
    t->kind = sql_col_int(st, 8);
    t->next_price = sql_col_i64(st, 9);
    t->next_from = sql_col_i64(st, 10);
    t->next_tiered = sql_col_int(st, 11) != 0;
}

static void rd_tariff(sql_stmt *st, void *row)
{
    read_tariff(st, row);
}

static void rd_tier(sql_stmt *st, void *row)
{
    struct kwh_tier *t = row;
    t->upto_ckwh = sql_col_i64(st, 0);
    t->price = sql_col_i64(st, 1);
}

/* The tiers of t's price version (a flat tariff has none). */
static int read_tiers(struct store *s, struct kwh_tariff *t, struct kwh_err *e)
{
    sql_stmt *st;
    int rc;

    t->ntiers = 0;
    if (t->period_months == 0)
        return 0;
    st = sql_prep(s, "SELECT upto_ckwh, price FROM tariff_tiers WHERE price_id = :p ORDER BY n", e);
    if (st == NULL)
        return KWH_EDB;
    sql_i64(st, ":p", t->price_id);
    while ((rc = sql_row(s, st, e)) == 1)
        if (t->ntiers < KWH_TIERS_MAX)
            rd_tier(st, &t->tiers[t->ntiers++]);
    return rc;
}

static int tariff_one(struct store *s, sql_stmt *st, struct kwh_tariff *out, struct kwh_err *e)
{
    int rc = sql_one(s, st, rd_tariff, out, NULL, e);
    if (rc < 0)
        return rc;
    return read_tiers(s, out, e);
}

/* The tariffs row alone (its first price version is the caller's). */
static int insert_tariff(struct store *s, const char *name, int64_t now, int64_t *id,
                         struct kwh_err *e)
{
    sql_stmt *st =
        sql_prep(s, "INSERT INTO tariffs (name, created) VALUES (:name, :now) RETURNING id", e);
    int rc;
    if (st == NULL)
        return KWH_EDB;
    sql_text(st, ":name", name);
    sql_i64(st, ":now", now);
    rc = sql_insert(s, st, id, e);
    if (rc == KWH_ECONFLICT)
        return kwh_err_set(e, KWH_ECONFLICT, "a tariff named '%s' already exists", name);
    return rc;
}

int store_tariff_add(struct store *s, const char *name, int64_t price, int64_t now,
                     int64_t operator_id, int64_t *id, struct kwh_err *e)
{
    int rc = insert_tariff(s, name, now, id, e);
    if (rc < 0)
        return rc;
    return store_tariff_set_price(s, *id, price, now, operator_id, e);
}

int store_tariff_add_rates(struct store *s, const char *name, const struct kwh_tariff *t,
                           int64_t now, int64_t operator_id, int64_t *id, struct kwh_err *e)
{
    int rc = insert_tariff(s, name, now, id, e);
    if (rc < 0)
        return rc;
    return store_tariff_set_rates(s, *id, t, now, operator_id, e);
}

int store_tariff_set_kind(struct store *s, int64_t id, int kind, struct kwh_err *e)
{
    sql_stmt *st = sql_prep(s, "UPDATE tariffs SET kind = :kind WHERE id = :id", e);
    if (st == NULL)
        return KWH_EDB;
    sql_i64(st, ":kind", kind);
    sql_i64(st, ":id", id);
    return sql_done(s, st, e);
}

int store_tariff_get(struct store *s, int64_t id, int64_t now, struct kwh_tariff *out,
                     struct kwh_err *e)
{
    sql_stmt *st = sql_prep(s, TARIFF_SELECT "WHERE t.id = :id AND t.active = 1", e);
    int rc;
    if (st == NULL)
        return KWH_EDB;
    sql_i64(st, ":id", id);
    sql_i64(st, ":now", now);
    if ((rc = tariff_one(s, st, out, e)) == KWH_ENOTFOUND)
        return kwh_err_set(e, rc, "no tariff #%lld", (long long)id);
    return rc;
}

int store_tariff_find(struct store *s, const char *name, int64_t now, struct kwh_tariff *out,
                      struct kwh_err *e)
{
    sql_stmt *st = sql_prep(s, TARIFF_SELECT "WHERE t.name = :name AND t.active = 1", e);
    int rc;
    if (st == NULL)
        return KWH_EDB;
    sql_text(st, ":name", name);
    sql_i64(st, ":now", now);
    if ((rc = tariff_one(s, st, out, e)) == KWH_ENOTFOUND)
        return kwh_err_set(e, rc, "no tariff '%s'", name);
    return rc;
}

int store_tariff_rename(struct store *s, int64_t id, const char *name, struct kwh_err *e)
{
    sql_stmt *st = sql_prep(s, "UPDATE tariffs SET name = :name WHERE id = :id", e);
    int rc;
    if (st == NULL)
        return KWH_EDB;
    sql_text(st, ":name", name);
    sql_i64(st, ":id", id);
    rc = sql_done(s, st, e);
    if (rc == KWH_ECONFLICT)
        return kwh_err_set(e, KWH_ECONFLICT, "a tariff named '%s' already exists", name);
    return rc;
}

int store_tariff_set_price(struct store *s, int64_t id, int64_t price, int64_t now,
                           int64_t operator_id, struct kwh_err *e)
{
    struct kwh_tariff t;
    memset(&t, 0, sizeof t);
    t.price = price;
    return store_tariff_set_rates(s, id, &t, now, operator_id, e);
}

int store_tariff_set_rates(struct store *s, int64_t id, const struct kwh_tariff *t, int64_t now,
                           int64_t operator_id, struct kwh_err *e)
{
    sql_stmt *st = sql_prep(s,
                            "INSERT INTO tariff_prices (tariff_id, price, valid_from, "
                            "operator_id, period_months, period_start) VALUES (:id, :price, :now, "
                            ":op, :months, :start) RETURNING id",
                            e);
    int64_t price_id;
    int rc;
    if (st == NULL)
        return KWH_EDB;
    sql_i64(st, ":id", id);
    sql_i64(st, ":price", t->ntiers > 0 ? t->tiers[0].price : t->price);
    sql_i64(st, ":now", now);
    if (operator_id > 0)
        sql_i64(st, ":op", operator_id);
    else
        sql_null(st, ":op");
    sql_i64(st, ":months", t->ntiers > 0 ? t->period_months : 0);
    sql_i64(st, ":start", t->period_start > 0 ? t->period_start : 1);
    if ((rc = sql_insert(s, st, &price_id, e)) < 0)
        return rc;
    for (int i = 0; i < t->ntiers; i++) {
        st = sql_prep(s,
                      "INSERT INTO tariff_tiers (price_id, n, upto_ckwh, price) VALUES (:p, :n, "
                      ":upto, :price) RETURNING id",
                      e);
        int64_t tier_id;
        if (st == NULL)
            return KWH_EDB;
        sql_i64(st, ":p", price_id);
        sql_i64(st, ":n", i + 1);
        sql_i64(st, ":upto", t->tiers[i].upto_ckwh);
        sql_i64(st, ":price", t->tiers[i].price);
        if ((rc = sql_insert(s, st, &tier_id, e)) < 0)
            return rc;
    }
    return 0;
}

int store_tariff_deactivate(struct store *s, int64_t id, struct kwh_err *e)
{
    sql_stmt *st = sql_prep(s, "UPDATE tariffs SET active = 0 WHERE id = :id", e);
    if (st == NULL)
        return KWH_EDB;
    sql_i64(st, ":id", id);
    return sql_done(s, st, e);
}

/* The rows of st (TARIFF_SELECT's columns), each with its version's tiers. */
static int collect_tariffs(struct store *s, sql_stmt *st, struct kwh_tariff **out, size_t *n,
                           struct kwh_err *e)
{
    int rc;
    *out = NULL;
    *n = 0;
    if (st == NULL)
        return KWH_EDB;
    if ((rc = sql_collect(s, st, sizeof **out, rd_tariff, (void **)out, n, e)) < 0)
        return rc;
    for (size_t i = 0; i < *n; i++)
        if ((rc = read_tiers(s, &(*out)[i], e)) < 0) {
            free(*out);
            *out = NULL;
            *n = 0;
            return rc;
        }
    return 0;
}

int store_tariff_list(struct store *s, int64_t now, struct kwh_tariff **out, size_t *n,
                      struct kwh_err *e)
{
    sql_stmt *st = sql_prep(s, TARIFF_SELECT "WHERE t.active = 1 ORDER BY t.id", e);
    if (st != NULL)
        sql_i64(st, ":now", now);
    return collect_tariffs(s, st, out, n, e);
}

int store_tariff_versions(struct store *s, int64_t id, struct kwh_tariff **out, size_t *n,
                          struct kwh_err *e)
{
    sql_stmt *st = sql_prep(s,
                            "SELECT t.id, t.name, p.price, p.valid_from, 0, p.id, p.period_months, "
                            "p.period_start, t.kind, 0, 0, 0 FROM tariffs t JOIN tariff_prices p "
                            "ON p.tariff_id = t.id WHERE t.id = :id ORDER BY p.valid_from DESC, "
                            "p.id DESC",
                            e);
    if (st != NULL)
        sql_i64(st, ":id", id);
    return collect_tariffs(s, st, out, n, e);
}
