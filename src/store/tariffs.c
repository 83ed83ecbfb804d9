/* SPDX-License-Identifier: Apache-2.0 */
/* Tariffs and their price history. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kwhpos/util.h"
#include "store/sql.h"

/* A tariff with its current price (the newest price row) and its open accounts. */
#define TARIFF_SELECT                                                                              \
    "SELECT t.id, t.name, p.price, p.valid_from, tot.accounts, p.id FROM tariffs t "               \
    "JOIN tariff_prices p ON p.id = (SELECT max(id) FROM tariff_prices WHERE tariff_id = t.id) "   \
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
}

static void rd_tariff(sql_stmt *st, void *row)
{
    read_tariff(st, row);
}

int store_tariff_add(struct store *s, const char *name, int64_t price, int64_t now,
                     int64_t operator_id, int64_t *id, struct kwh_err *e)
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
    if (rc < 0)
        return rc;
    return store_tariff_set_price(s, *id, price, now, operator_id, e);
}

int store_tariff_get(struct store *s, int64_t id, struct kwh_tariff *out, struct kwh_err *e)
{
    sql_stmt *st = sql_prep(s, TARIFF_SELECT "WHERE t.id = :id AND t.active = 1", e);
    int rc;
    if (st == NULL)
        return KWH_EDB;
    sql_i64(st, ":id", id);
    if ((rc = sql_one(s, st, rd_tariff, out, NULL, e)) == KWH_ENOTFOUND)
        return kwh_err_set(e, rc, "no tariff #%lld", (long long)id);
    return rc;
}

int store_tariff_find(struct store *s, const char *name, struct kwh_tariff *out, struct kwh_err *e)
{
    sql_stmt *st = sql_prep(s, TARIFF_SELECT "WHERE t.name = :name AND t.active = 1", e);
    int rc;
    if (st == NULL)
        return KWH_EDB;
    sql_text(st, ":name", name);
    if ((rc = sql_one(s, st, rd_tariff, out, NULL, e)) == KWH_ENOTFOUND)
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
    sql_stmt *st = sql_prep(s,
                            "INSERT INTO tariff_prices (tariff_id, price, valid_from, "
                            "operator_id) VALUES (:id, :price, :now, :op)",
                            e);
    if (st == NULL)
        return KWH_EDB;
    sql_i64(st, ":id", id);
    sql_i64(st, ":price", price);
    sql_i64(st, ":now", now);
    if (operator_id > 0)
        sql_i64(st, ":op", operator_id);
    else
        sql_null(st, ":op");
    return sql_done(s, st, e);
}

int store_tariff_deactivate(struct store *s, int64_t id, struct kwh_err *e)
{
    sql_stmt *st = sql_prep(s, "UPDATE tariffs SET active = 0 WHERE id = :id", e);
    if (st == NULL)
        return KWH_EDB;
    sql_i64(st, ":id", id);
    return sql_done(s, st, e);
}

int store_tariff_list(struct store *s, struct kwh_tariff **out, size_t *n, struct kwh_err *e)
{
    sql_stmt *st = sql_prep(s, TARIFF_SELECT "WHERE t.active = 1 ORDER BY t.id", e);
    if (st == NULL)
        return KWH_EDB;
    return sql_collect(s, st, sizeof **out, rd_tariff, (void **)out, n, e);
}
