/* SPDX-License-Identifier: Apache-2.0 */
/* Shifts (交班): the money of one operator's sales over a range, and closed shifts. */
#include <string.h>

#include "store/store_query.h"
#include "store/customer_row.h"
#include "store/sale_row.h"
#include "store/sql.h"

#define SHIFT_RANGE                                                                                \
    "s.operator_id = :operator AND s.created >= :from AND s.created < :to AND s.id > "             \
    ":after AND s.id <= :upto AND (:apath IS NULL OR s.customer_id IN (SELECT c.id FROM "          \
    "customers c WHERE c.area_id IN (SELECT a.id FROM areas a WHERE substr(a.path, 1, "            \
    "length(:apath)) = :apath)))"

static void bind_range(sql_stmt *st, const struct store_shift_q *q)
{
    if (q->area_path != NULL)
        sql_text(st, ":apath", q->area_path);
    else
        sql_null_as(st, ":apath", SQL_TEXT);
    sql_i64(st, ":operator", q->operator_id);
    sql_i64(st, ":from", q->from);
    sql_i64(st, ":to", q->to);
    sql_i64(st, ":after", q->after_id);
    sql_i64(st, ":upto", q->upto_id);
}

static int each_group(struct store *s, sql_stmt *st, store_shift_fn fn, void *ctx,
                      struct kwh_err *e)
{
    int rc;
    while ((rc = sql_row(s, st, e)) == 1) {
        struct store_sums sums = {
            .n = sql_col_i64(st, 3),
            .energy_ckwh = sql_col_i64(st, 4),
            .amount_fen = sql_col_i64(st, 5),
            .fee_fen = sql_col_i64(st, 6),
            .arrears_fen = sql_col_i64(st, 7),
        };
        if ((rc = fn(ctx, sql_col_int(st, 0), sql_col_int(st, 1), sql_col_int(st, 2) != 0,
                     &sums)) != 0) {
            sql_reset(st);
            return rc;
        }
    }
    return rc;
}

int store_shift_sums(struct store *s, const struct store_shift_q *q, store_shift_fn fn, void *ctx,
                     struct kwh_err *e)
{
    sql_stmt *st = sql_prep(
        s,
        "SELECT s.kind, s.pay_method, s.amount_fen < 0, count(*), sum(s.energy_ckwh), "
        "sum(s.amount_fen), sum(s.fee_fen), sum(s.arrears_fen) FROM sales s WHERE " SHIFT_RANGE
        " AND s.state IN (1, 3) GROUP BY 1, 2, 3",
        e);
    if (st == NULL)
        return KWH_EDB;
    bind_range(st, q);
    return each_group(s, st, fn, ctx, e);
}

int store_shift_returns(struct store *s, const struct store_shift_q *q, int64_t kinds,
                        store_shift_fn fn, void *ctx, struct kwh_err *e)
{
    sql_stmt *st = sql_prep(
        s,
        "SELECT s.kind, r.pay_method, 0, count(*), sum(r.energy_ckwh), sum(r.amount_fen), "
        "sum(r.fee_fen), sum(r.arrears_fen) FROM sales s JOIN sales r ON r.id = s.replaces_id "
        "WHERE " SHIFT_RANGE
        " AND ((1 << s.kind) & :kinds) <> 0 AND s.state IN (1, 3) GROUP BY 1, 2",
        e);
    if (st == NULL)
        return KWH_EDB;
    bind_range(st, q);
    sql_i64(st, ":kinds", kinds);
    return each_group(s, st, fn, ctx, e);
}

/* Each fee line of the range's sales (done or cancelled, as the money is counted), and
 * the fee lines of the sales the range's re-sales replaced, given back: one row per line,
 * its count +1 for a fee taken and -1 for one given back (a reversal carries its
 * sale's lines negated). */
#define SHIFT_FEE_LINES                                                                            \
    "SELECT i.ref AS ref, i.name AS name, CASE WHEN i.fen < 0 THEN -1 ELSE 1 END AS n, "           \
    "i.fen AS fen FROM sales s JOIN sale_items i ON i.sale_id = s.id WHERE " SHIFT_RANGE           \
    " AND s.state IN (1, 3) AND i.item = 2 UNION ALL SELECT i.ref, i.name, CASE WHEN i.fen < 0 "   \
    "THEN 1 ELSE -1 END, -i.fen FROM sales s JOIN sales r ON r.id = s.replaces_id JOIN "           \
    "sale_items i ON i.sale_id = r.id WHERE " SHIFT_RANGE " AND ((1 << s.kind) & :kinds) <> 0 "    \
    "AND s.state IN (1, 3) AND i.item = 2"

static void rd_fee_total(sql_stmt *st, void *row)
{
    struct kwh_item_total *t = row;
    memset(t, 0, sizeof *t);
    t->item = KWH_ITEM_FEE;
    t->ref = sql_col_i64(st, 0);
    sql_col_text(st, 1, t->name, sizeof t->name);
    t->count = sql_col_i64(st, 2);
    t->fen = sql_col_i64(st, 3);
}

int store_shift_fees(struct store *s, const struct store_shift_q *q, int64_t kinds,
                     struct kwh_item_total **out, size_t *n, struct kwh_err *e)
{
    sql_stmt *st =
        sql_prep(s,
                 "SELECT x.ref, coalesce(max(f.name), max(x.name), ''), sum(x.n), sum(x.fen) "
                 "FROM (" SHIFT_FEE_LINES ") x LEFT JOIN fee_types f ON f.id = x.ref GROUP BY "
                 "x.ref ORDER BY x.ref",
                 e);
    *out = NULL;
    *n = 0;
    if (st == NULL)
        return KWH_EDB;
    bind_range(st, q);
    sql_i64(st, ":kinds", kinds);
    return sql_collect(s, st, sizeof **out, rd_fee_total, (void **)out, n, e);
}

int store_shift_sales(struct store *s, const struct store_shift_q *q, int state,
                      struct kwh_sale **rows, size_t *n, struct kwh_err *e)
{
    sql_stmt *st = sql_prep(
        s, "SELECT " SALE_COLS SALE_FROM "WHERE " SHIFT_RANGE " AND s.state = :state ORDER BY s.id",
        e);
    if (st == NULL)
        return KWH_EDB;
    bind_range(st, q);
    sql_i64(st, ":state", state);
    return sql_collect(s, st, sizeof **rows, store_sale_row, (void **)rows, n, e);
}

#define SHIFT_COLS                                                                                 \
    "id, operator_id, started, ended, after_sale_id, last_sale_id, money_in_fen, "                 \
    "money_out_fen, expected_cash_fen, counted_cash_fen, pending"

static void read_shift(sql_stmt *st, struct store_shift *sh)
{
    sh->id = sql_col_i64(st, 0);
    sh->operator_id = sql_col_i64(st, 1);
    sh->started = sql_col_i64(st, 2);
    sh->ended = sql_col_i64(st, 3);
    sh->after_sale_id = sql_col_i64(st, 4);
    sh->last_sale_id = sql_col_i64(st, 5);
    sh->money_in_fen = sql_col_i64(st, 6);
    sh->money_out_fen = sql_col_i64(st, 7);
    sh->expected_cash_fen = sql_col_i64(st, 8);
    sh->counted_cash_fen = sql_col_i64(st, 9);
    sh->pending = sql_col_i64(st, 10);
}

int store_shift_last(struct store *s, int64_t operator_id, struct store_shift *out, bool *found,
                     struct kwh_err *e)
{
    sql_stmt *st = sql_prep(s,
                            "SELECT " SHIFT_COLS " FROM shifts WHERE operator_id = "
                            ":operator ORDER BY id DESC LIMIT 1",
                            e);
    int rc;
    memset(out, 0, sizeof *out);
    if (st == NULL)
        return KWH_EDB;
    sql_i64(st, ":operator", operator_id);
    rc = sql_row(s, st, e);
    if (rc < 0)
        return rc;
    *found = rc == 1;
    if (rc == 1) {
        read_shift(st, out);
        sql_reset(st);
    }
    return 0;
}

int store_shift_get(struct store *s, int64_t id, struct store_shift *out, struct kwh_err *e)
{
    sql_stmt *st = sql_prep(s, "SELECT " SHIFT_COLS " FROM shifts WHERE id = :id", e);
    int rc;
    memset(out, 0, sizeof *out);
    if (st == NULL)
        return KWH_EDB;
    sql_i64(st, ":id", id);
    rc = sql_row(s, st, e);
    if (rc < 0)
        return rc;
    if (rc == 0)
        return kwh_err_set(e, KWH_ENOTFOUND, "no shift #%lld", (long long)id);
    read_shift(st, out);
    sql_reset(st);
    return 0;
}

int store_shift_insert(struct store *s, struct store_shift *sh, struct kwh_err *e)
{
    sql_stmt *st = sql_prep(
        s,
        "INSERT INTO shifts (operator_id, started, ended, after_sale_id, last_sale_id, "
        "money_in_fen, money_out_fen, expected_cash_fen, counted_cash_fen, pending) VALUES "
        "(:operator, :started, :ended, :after, :last, :in, :out, :expected, :counted, :pending) "
        "RETURNING id",
        e);
    if (st == NULL)
        return KWH_EDB;
    sql_i64(st, ":operator", sh->operator_id);
    sql_i64(st, ":started", sh->started);
    sql_i64(st, ":ended", sh->ended);
    sql_i64(st, ":after", sh->after_sale_id);
    sql_i64(st, ":last", sh->last_sale_id);
    sql_i64(st, ":in", sh->money_in_fen);
    sql_i64(st, ":out", sh->money_out_fen);
    sql_i64(st, ":expected", sh->expected_cash_fen);
    sql_i64(st, ":counted", sh->counted_cash_fen);
    sql_i64(st, ":pending", sh->pending);
    return sql_insert(s, st, &sh->id, e);
}

int store_sales_max_id(struct store *s, int64_t *id, struct kwh_err *e)
{
    sql_stmt *st = sql_prep(s, "SELECT coalesce(max(id), 0) FROM sales", e);
    int rc;
    if (st == NULL)
        return KWH_EDB;
    rc = sql_row(s, st, e);
    if (rc < 0)
        return rc;
    *id = sql_col_i64(st, 0);
    sql_reset(st);
    return 0;
}

int store_operator_ids(struct store *s, const char *name, int64_t *ids, size_t max, size_t *n,
                       struct kwh_err *e)
{
    sql_stmt *st = sql_prep(s,
                            "SELECT id FROM operators WHERE name = :name "
                            "ORDER BY active DESC, id DESC",
                            e);
    int rc;
    *n = 0;
    if (st == NULL)
        return KWH_EDB;
    sql_text(st, ":name", name);
    while ((rc = sql_row(s, st, e)) == 1)
        if (*n < max)
            ids[(*n)++] = sql_col_i64(st, 0);
    return rc;
}
