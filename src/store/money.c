/* SPDX-License-Identifier: Apache-2.0 */
/* Fee types and arrears entries (docs/units.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kwhpos/util.h"
#include "store/customer_row.h"
#include "store/sql.h"
#include "store/store.h"

static void rd_fee(sql_stmt *st, void *row)
{
    struct kwh_fee_type *f = row;
    memset(f, 0, sizeof *f);
    f->id = sql_col_i64(st, 0);
    sql_col_text(st, 1, f->name, sizeof f->name);
    f->kind = sql_col_int(st, 2);
    f->amount_fen = sql_col_i64(st, 3);
}

#define FEE_SELECT "SELECT id, name, kind, amount_fen FROM fee_types "

int store_fee_list(struct store *s, struct kwh_fee_type **out, size_t *n, struct kwh_err *e)
{
    sql_stmt *st = sql_prep(s, FEE_SELECT "WHERE active = 1 ORDER BY id", e);
    *out = NULL;
    *n = 0;
    if (st == NULL)
        return KWH_EDB;
    return sql_collect(s, st, sizeof **out, rd_fee, (void **)out, n, e);
}

int store_fee_get(struct store *s, int64_t id, struct kwh_fee_type *out, struct kwh_err *e)
{
    sql_stmt *st = sql_prep(s, FEE_SELECT "WHERE id = :id AND active = 1", e);
    if (st == NULL)
        return KWH_EDB;
    sql_i64(st, ":id", id);
    return sql_one(s, st, rd_fee, out, KWH_N("no such fee type"), e);
}

int store_fee_find(struct store *s, const char *name, struct kwh_fee_type *out, struct kwh_err *e)
{
    sql_stmt *st = sql_prep(s, FEE_SELECT "WHERE name = :name AND active = 1", e);
    if (st == NULL)
        return KWH_EDB;
    sql_text(st, ":name", name);
    return sql_one(s, st, rd_fee, out, KWH_N("no such fee type"), e);
}

int store_fee_add(struct store *s, const struct kwh_fee_type *f, int64_t now, int64_t *id,
                  struct kwh_err *e)
{
    sql_stmt *st = sql_prep(s,
                            "INSERT INTO fee_types (name, kind, amount_fen, created) VALUES "
                            "(:name, :kind, :amount, :now) RETURNING id",
                            e);
    int rc;
    if (st == NULL)
        return KWH_EDB;
    sql_text(st, ":name", f->name);
    sql_i64(st, ":kind", f->kind);
    sql_i64(st, ":amount", f->amount_fen);
    sql_i64(st, ":now", now);
    rc = sql_insert(s, st, id, e);
    if (rc == KWH_ECONFLICT)
        return kwh_err_set(e, rc, "a fee named '%s' already exists", f->name);
    return rc;
}

int store_fee_update(struct store *s, const struct kwh_fee_type *f, struct kwh_err *e)
{
    sql_stmt *st = sql_prep(s,
                            "UPDATE fee_types SET name = :name, amount_fen = :amount WHERE id = "
                            ":id AND active = 1",
                            e);
    int rc;
    if (st == NULL)
        return KWH_EDB;
    sql_text(st, ":name", f->name);
    sql_i64(st, ":amount", f->amount_fen);
    sql_i64(st, ":id", f->id);
    rc = sql_done(s, st, e);
    if (rc == KWH_ECONFLICT)
        return kwh_err_set(e, rc, "a fee named '%s' already exists", f->name);
    return rc;
}

int store_fee_deactivate(struct store *s, int64_t id, struct kwh_err *e)
{
    sql_stmt *st = sql_prep(s, "UPDATE fee_types SET active = 0 WHERE id = :id", e);
    if (st == NULL)
        return KWH_EDB;
    sql_i64(st, ":id", id);
    return sql_done(s, st, e);
}

int store_arrears_insert(struct store *s, int64_t customer_id, int64_t fen, const char *reason,
                         int64_t operator_id, int64_t now, struct kwh_err *e)
{
    sql_stmt *st = sql_prep(s,
                            "INSERT INTO arrears (customer_id, fen, reason, operator_id, created) "
                            "VALUES (:customer, :fen, :reason, :op, :now) RETURNING id",
                            e);
    int64_t id;
    if (st == NULL)
        return KWH_EDB;
    sql_i64(st, ":customer", customer_id);
    sql_i64(st, ":fen", fen);
    sql_text(st, ":reason", reason);
    sql_i64(st, ":op", operator_id);
    sql_i64(st, ":now", now);
    return sql_insert(s, st, &id, e);
}

static void rd_line(sql_stmt *st, void *row)
{
    struct kwh_arrears_line *l = row;
    memset(l, 0, sizeof *l);
    l->created = sql_col_i64(st, 0);
    l->fen = sql_col_i64(st, 1);
    sql_col_text(st, 2, l->what, sizeof l->what);
    sql_col_text(st, 3, l->reason, sizeof l->reason);
    sql_col_text(st, 4, l->operator_name, sizeof l->operator_name);
    l->invoice_no = sql_col_i64(st, 5);
}

int store_arrears_history(struct store *s, int64_t customer_id, struct kwh_arrears_line **out,
                          size_t *n, struct kwh_err *e)
{
    sql_stmt *st = sql_prep(
        s,
        "SELECT created, fen, what, reason, name, invoice_no FROM ("
        "SELECT a.created AS created, a.fen AS fen, CASE WHEN substr(a.reason, 1, 8) = "
        "'carried ' THEN 'carried' WHEN a.fen > 0 THEN 'entered' ELSE 'waived' END AS what, "
        "a.reason AS reason, o.name AS name, 0 AS invoice_no, a.id AS k, "
        "0 AS src FROM arrears a JOIN operators o ON o.id = a.operator_id WHERE a.customer_id = "
        ":id "
        "UNION ALL SELECT s.created, -s.arrears_fen, CASE WHEN s.arrears_fen > 0 THEN "
        "'recovered' ELSE 'reversed' END, '', o.name, coalesce(s.invoice_no, 0), s.id, 1 FROM "
        "sales s JOIN operators o ON o.id = s.operator_id WHERE s.customer_id = :id AND "
        "s.state = 1 AND s.arrears_fen <> 0) AS h ORDER BY created, src, k",
        e);
    *out = NULL;
    *n = 0;
    if (st == NULL)
        return KWH_EDB;
    sql_i64(st, ":id", customer_id);
    return sql_collect(s, st, sizeof **out, rd_line, (void **)out, n, e);
}

int store_arrears_on_meter(struct store *s, uint32_t meter_no, int64_t except_id,
                           struct kwh_customer **out, size_t *n, struct kwh_err *e)
{
    sql_stmt *st = sql_prep(s,
                            "SELECT " CUST_COLS CUST_FROM
                            "WHERE c.meter_no = :meter AND c.status = 3 AND c.arrears_fen > 0 "
                            "AND c.id <> :id ORDER BY c.id",
                            e);
    *out = NULL;
    *n = 0;
    if (st == NULL)
        return KWH_EDB;
    sql_i64(st, ":meter", meter_no);
    sql_i64(st, ":id", except_id);
    return sql_collect(s, st, sizeof **out, store_customer_row, (void **)out, n, e);
}

int store_arrears_accounts(struct store *s, struct kwh_customer **out, size_t *n, struct kwh_err *e)
{
    sql_stmt *st = sql_prep(s,
                            "SELECT " CUST_COLS CUST_FROM
                            "WHERE c.arrears_fen > 0 ORDER BY c.arrears_fen DESC, c.customer_no",
                            e);
    *out = NULL;
    *n = 0;
    if (st == NULL)
        return KWH_EDB;
    return sql_collect(s, st, sizeof **out, store_customer_row, (void **)out, n, e);
}
