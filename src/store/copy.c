/* SPDX-License-Identifier: Apache-2.0 */
/* A whole site from one database into an empty one, either backend to either backend
 * (`kwhpos db copy`), and the comparison of the two afterwards.
 *
 * The source is read inside a writer's transaction (one consistent state; no station
 * writes meanwhile) and the destination is written in one transaction, table by table in
 * the order of their references, every row with its id and every value bound as the type
 * it has. The maintained tables (totals, sales_sum) are not copied: the destination's
 * triggers build them from the rows, and the comparison then checks they agree with the
 * source's. Identity columns continue after the copied ids. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_query.h"
#include "kwhpos/util.h"
#include "store/sql.h"

#define PAGE 5000

struct table {
    const char *name;
    const char *select; /* a page of rows after :after, in key order */
    bool by_id;         /* keyed by id (else settings, by key, in one page) */
};

static const struct table tables[] = {
    {"settings", "SELECT * FROM settings WHERE :after >= 0 ORDER BY key", false},
    {"operators", "SELECT * FROM operators WHERE id > :after ORDER BY id LIMIT 5000", true},
    {"tariffs", "SELECT * FROM tariffs WHERE id > :after ORDER BY id LIMIT 5000", true},
    {"tariff_prices", "SELECT * FROM tariff_prices WHERE id > :after ORDER BY id LIMIT 5000", true},
    {"tariff_tiers", "SELECT * FROM tariff_tiers WHERE id > :after ORDER BY id LIMIT 5000", true},
    {"fee_types", "SELECT * FROM fee_types WHERE id > :after ORDER BY id LIMIT 5000", true},
    /* the tree without its root (the new database has one, the same, from the schema),
       parents before their children: by depth, in one page */
    {"areas",
     "SELECT * FROM areas WHERE parent_id IS NOT NULL AND :after >= 0 ORDER BY length(path), id",
     false},
    {"customers", "SELECT * FROM customers WHERE id > :after ORDER BY id LIMIT 5000", true},
    {"operator_areas",
     "SELECT * FROM operator_areas WHERE :after >= 0 ORDER BY operator_id, area_id", false},
    {"card_marks", "SELECT * FROM card_marks WHERE :after >= 0 ORDER BY serial", false},
    {"card_seen", "SELECT * FROM card_seen WHERE id > :after ORDER BY id LIMIT 5000", true},
    {"card_ops", "SELECT * FROM card_ops WHERE id > :after ORDER BY id LIMIT 5000", true},
    {"sales", "SELECT * FROM sales WHERE id > :after ORDER BY id LIMIT 5000", true},
    {"sale_items", "SELECT * FROM sale_items WHERE id > :after ORDER BY id LIMIT 5000", true},
    {"arrears", "SELECT * FROM arrears WHERE id > :after ORDER BY id LIMIT 5000", true},
    {"reversals", "SELECT * FROM reversals WHERE id > :after ORDER BY id LIMIT 5000", true},
    {"events", "SELECT * FROM events WHERE id > :after ORDER BY id LIMIT 5000", true},
    {"audit", "SELECT * FROM audit WHERE id > :after ORDER BY id LIMIT 5000", true},
    {"shifts", "SELECT * FROM shifts WHERE id > :after ORDER BY id LIMIT 5000", true},
};

/* What both databases must agree on: counts and sums per table, the maintained tables
 * included. Each is one row of integers. */
static const char *const checks[] = {
    "SELECT count(*), coalesce(sum(length(key) + length(value)), 0) FROM settings",
    "SELECT count(*), coalesce(sum(id), 0), coalesce(sum(role + active), 0) FROM operators",
    "SELECT count(*), coalesce(sum(id), 0), coalesce(sum(active), 0) FROM tariffs",
    "SELECT count(*), coalesce(sum(id), 0), coalesce(sum(price), 0) FROM tariff_prices",
    "SELECT count(*), coalesce(sum(id), 0), coalesce(sum(customer_no), 0), "
    "coalesce(sum(meter_no), 0), coalesce(sum(status), 0), coalesce(sum(balance_ckwh), 0), "
    "coalesce(sum(purchase_count), 0), coalesce(sum(card_gen), 0) FROM customers",
    "SELECT count(*), coalesce(sum(accounts), 0), coalesce(sum(balance_ckwh), 0) FROM totals",
    "SELECT count(*), coalesce(sum(id), 0), coalesce(sum(kind), 0), coalesce(sum(state), 0), "
    "coalesce(sum(new_balance_ckwh), 0) FROM card_ops",
    "SELECT count(*), coalesce(sum(id), 0), coalesce(sum(state), 0), "
    "coalesce(sum(amount_fen), 0), coalesce(sum(fee_fen), 0), coalesce(sum(energy_ckwh), 0), "
    "coalesce(sum(invoice_no), 0), coalesce(sum(reprints), 0) FROM sales",
    "SELECT count(*), coalesce(sum(n), 0), coalesce(sum(amount_fen), 0), "
    "coalesce(sum(energy_ckwh), 0), coalesce(sum(fee_fen), 0), coalesce(sum(arrears_fen), 0) "
    "FROM sales_sum",
    "SELECT count(*), coalesce(sum(n), 0), coalesce(sum(amount_fen), 0), "
    "coalesce(sum(energy_ckwh), 0), coalesce(sum(fee_fen), 0), coalesce(sum(arrears_fen), 0) "
    "FROM sales_sum_day",
    "SELECT count(*), coalesce(sum(n), 0), coalesce(sum(amount_fen), 0), "
    "coalesce(sum(energy_ckwh), 0), coalesce(sum(fee_fen), 0), coalesce(sum(arrears_fen), 0) "
    "FROM sales_sum_month",
    "SELECT count(*), coalesce(sum(id), 0), coalesce(sum(price), 0), "
    "coalesce(sum(upto_ckwh), 0) FROM tariff_tiers",
    "SELECT count(*), coalesce(sum(id), 0), coalesce(sum(amount_fen), 0) FROM fee_types",
    "SELECT count(*), coalesce(sum(id), 0), coalesce(sum(ckwh), 0), coalesce(sum(fen), 0) "
    "FROM sale_items",
    "SELECT count(*), coalesce(sum(n), 0), coalesce(sum(ckwh), 0), coalesce(sum(fen), 0) "
    "FROM items_sum",
    "SELECT count(*), coalesce(sum(id), 0), coalesce(sum(fen), 0) FROM arrears",
    "SELECT count(*), coalesce(sum(id), 0), coalesce(sum(state), 0) FROM reversals",
    "SELECT count(*), coalesce(sum(period_ckwh), 0), coalesce(sum(arrears_fen), 0), "
    "coalesce(sum(tier_extra_ckwh), 0), coalesce(sum(recovery_value), 0) FROM customers",
    "SELECT count(*), coalesce(sum(id), 0), coalesce(sum(parent_id), 0), "
    "coalesce(sum(length(path)), 0) FROM areas",
    "SELECT count(*), coalesce(sum(area_id), 0), coalesce(sum(length(name_py)), 0) FROM customers",
    "SELECT count(*), coalesce(sum(operator_id), 0), coalesce(sum(area_id), 0) FROM operator_areas",
    "SELECT count(*), coalesce(sum(reason), 0), coalesce(sum(attempts), 0) FROM card_marks",
    "SELECT count(*), coalesce(sum(id), 0), coalesce(sum(ret_used), 0) FROM card_seen",
    "SELECT count(*), coalesce(sum(id), 0), coalesce(sum(kind), 0) FROM events",
    "SELECT count(*), coalesce(sum(id), 0), coalesce(sum(ts), 0) FROM audit",
    "SELECT count(*), coalesce(sum(id), 0), coalesce(sum(money_in_fen), 0), "
    "coalesce(sum(counted_cash_fen), 0) FROM shifts",
};

/* "INSERT INTO t (a, b) VALUES (:a, :b)" for the columns of the source's result. */
static char *insert_sql(const char *table, sql_stmt *st)
{
    int n = st->be->col_count(st);
    size_t len = strlen(table) + 64;
    char *sql, *p;

    for (int i = 0; i < n; i++)
        len += 2 * strlen(st->be->col_name(st, i)) + 6;
    if ((sql = malloc(len)) == NULL)
        return NULL;
    p = sql + snprintf(sql, len, "INSERT INTO %s (", table);
    for (int i = 0; i < n; i++)
        p += snprintf(p, len - (size_t)(p - sql), "%s%s", i ? ", " : "", st->be->col_name(st, i));
    p += snprintf(p, len - (size_t)(p - sql), ") VALUES (");
    for (int i = 0; i < n; i++)
        p += snprintf(p, len - (size_t)(p - sql), "%s:%s", i ? ", " : "", st->be->col_name(st, i));
    snprintf(p, len - (size_t)(p - sql), ")");
    return sql;
}

/* One row of the source into the destination's insert. */
static int copy_row(struct store *to, sql_stmt *src, sql_stmt *ins, int64_t *id, struct kwh_err *e)
{
    int n = src->be->col_count(src);
    char name[80];
    for (int i = 0; i < n; i++) {
        const char *col = src->be->col_name(src, i);
        snprintf(name, sizeof name, ":%s", col);
        switch (src->be->col_type(src, i)) {
        case SQL_INT:
            sql_i64(ins, name, sql_col_i64(src, i));
            if (strcmp(col, "id") == 0)
                *id = sql_col_i64(src, i);
            break;
        case SQL_TEXT: {
            size_t len = src->be->col_text(src, i, NULL, 0);
            char *v = malloc(len + 1);
            if (v == NULL)
                return kwh_err_set(e, KWH_ENOMEM, "out of memory");
            src->be->col_text(src, i, v, len + 1);
            sql_text(ins, name, v);
            free(v);
            break;
        }
        case SQL_BLOB: {
            uint8_t buf[512];
            size_t len = src->be->col_blob(src, i, buf, sizeof buf);
            if (len > sizeof buf)
                return kwh_err_set(e, KWH_EDB, "%s: a value of %zu bytes is too long to copy", col,
                                   len);
            sql_blob(ins, name, buf, (int)len);
            break;
        }
        case SQL_ANY: sql_null(ins, name); break;
        }
    }
    return sql_done(to, ins, e);
}

static int copy_table(struct store *from, struct store *to, const struct table *t, char **sqls,
                      int64_t *rows, struct kwh_err *e)
{
    int64_t after = 0, max_id = 0;
    sql_stmt *ins = NULL;
    int rc;

    *rows = 0;
    for (;;) {
        int64_t page = 0;
        sql_stmt *st = sql_prep(from, t->select, e);
        if (st == NULL)
            return KWH_EDB;
        sql_i64(st, ":after", after);
        while ((rc = sql_row(from, st, e)) == 1) {
            if (ins == NULL) {
                if ((*sqls = insert_sql(t->name, st)) == NULL) {
                    sql_reset(st);
                    return kwh_err_set(e, KWH_ENOMEM, "out of memory");
                }
                if ((ins = sql_prep(to, *sqls, e)) == NULL) {
                    sql_reset(st);
                    return KWH_EDB;
                }
            }
            if ((rc = copy_row(to, st, ins, &max_id, e)) < 0) {
                sql_reset(st);
                return kwh_err_prefix(e, "copying %s", t->name);
            }
            after = max_id;
            page++;
        }
        if (rc < 0)
            return rc;
        *rows += page;
        if (!t->by_id || page < PAGE)
            break;
    }
    return t->by_id ? to->be->ids_follow(to, t->name, max_id, e) : 0;
}

int store_copy(struct store *from, const char *target, store_copy_fn fn, void *ctx,
               struct kwh_err *e)
{
    struct store *to = NULL;
    char *sqls[KWH_ARRAY_LEN(tables)] = {NULL};
    int rc;

    if ((rc = store_open(&to, target, true, e)) < 0)
        return rc;
    if ((rc = store_begin(from, e)) < 0)
        goto out;
    if ((rc = store_begin(to, e)) < 0) {
        store_rollback(from);
        goto out;
    }
    for (size_t i = 0; i < KWH_ARRAY_LEN(tables); i++) {
        int64_t rows;
        if ((rc = copy_table(from, to, &tables[i], &sqls[i], &rows, e)) < 0)
            break;
        if (fn != NULL)
            fn(ctx, tables[i].name, rows);
    }
    if (rc == 0) {
        /* the areas were copied by depth: their identity continues after the largest id */
        sql_stmt *st = sql_prep(from, "SELECT COALESCE(max(id), 0) FROM areas", e);
        if (st == NULL)
            rc = KWH_EDB;
        else if ((rc = sql_row(from, st, e)) == 1) {
            int64_t max = sql_col_i64(st, 0);
            sql_reset(st);
            rc = to->be->ids_follow(to, "areas", max, e);
        }
    }
    store_rollback(from);
    if (rc < 0) {
        store_rollback(to);
        goto out;
    }
    if ((rc = store_commit(to, e)) < 0)
        goto out;
    rc = store_compare(from, to, e);
out:
    store_close(to);
    for (size_t i = 0; i < KWH_ARRAY_LEN(tables); i++)
        free(sqls[i]);
    return rc;
}

int store_compare(struct store *a, struct store *b, struct kwh_err *e)
{
    for (size_t i = 0; i < KWH_ARRAY_LEN(checks); i++) {
        sql_stmt *x = sql_prep(a, checks[i], e), *y;
        int rx, ry;
        if (x == NULL)
            return KWH_EDB;
        if ((rx = sql_row(a, x, e)) < 0)
            return rx;
        if ((y = sql_prep(b, checks[i], e)) == NULL) {
            sql_reset(x);
            return KWH_EDB;
        }
        if ((ry = sql_row(b, y, e)) < 0) {
            sql_reset(x);
            return ry;
        }
        for (int c = 0; rx == 1 && ry == 1 && c < x->be->col_count(x); c++) {
            int64_t vx = sql_col_i64(x, c), vy = sql_col_i64(y, c);
            if (vx != vy) {
                const char *from = strstr(checks[i], " FROM ");
                sql_reset(x);
                sql_reset(y);
                return kwh_err_set(e, KWH_EDB,
                                   "the copy differs from the original in %s (value %d: %lld, "
                                   "not %lld): do not use it",
                                   from ? from + 6 : checks[i], c + 1, (long long)vy,
                                   (long long)vx);
            }
        }
        if (rx == 1)
            sql_reset(x);
        if (ry == 1)
            sql_reset(y);
    }
    return 0;
}
