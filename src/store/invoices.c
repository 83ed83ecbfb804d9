/* SPDX-License-Identifier: Apache-2.0 */
/* Invoices: settled sales by number, the recent list, reprint count, first copy. */
#include "store/store_invoice.h"

#include "store/sale_row.h"
#include "store/sql.h"

int store_invoice_get(struct store *s, int64_t invoice_no, struct kwh_sale *out, struct kwh_err *e)
{
    sql_stmt *st = sql_prep(s, "SELECT " SALE_COLS SALE_FROM "WHERE s.invoice_no = :no", e);
    int rc;

    if (st == NULL)
        return KWH_EDB;
    sql_i64(st, ":no", invoice_no);
    rc = sql_one(s, st, store_sale_row, out, "", e);
    if (rc == KWH_ENOTFOUND)
        return kwh_err_set(e, KWH_ENOTFOUND, "no invoice %lld", (long long)invoice_no);
    if (rc < 0)
        return rc;
    return store_sale_items_get(s, out, e);
}

int store_invoice_list(struct store *s, const struct store_invoice_filter *f, struct kwh_sale **out,
                       size_t *n, struct kwh_err *e)
{
    sql_stmt *st;

    *out = NULL;
    *n = 0;
    if (f->limit < 1 || f->limit > STORE_INVOICE_LIST_MAX)
        return kwh_err_set(e, KWH_EINVAL, "list 1 to %d invoices at a time",
                           STORE_INVOICE_LIST_MAX);
    st = sql_prep(s,
                  "SELECT " SALE_COLS SALE_FROM "WHERE s.invoice_no IS NOT NULL "
                  "AND (:below = 0 OR s.invoice_no < :below) "
                  "AND (:from = 0 OR s.created >= :from) "
                  "AND (:to = 0 OR s.created < :to) "
                  "AND (:operator = '' OR o.name = :operator) "
                  "AND (:customer = 0 OR c.customer_no = :customer) "
                  "AND (:scope = 0 OR c.area_id IN " SQL_SCOPE_AREA_IDS ") "
                  "ORDER BY s.invoice_no DESC LIMIT :limit",
                  e);
    if (st == NULL)
        return KWH_EDB;
    sql_i64(st, ":below", f->below);
    sql_i64(st, ":from", f->from);
    sql_i64(st, ":to", f->to);
    sql_text(st, ":operator", f->operator_name ? f->operator_name : "");
    sql_i64(st, ":customer", f->customer_no);
    sql_i64(st, ":scope", f->scope_op);
    sql_i64(st, ":limit", f->limit);
    return sql_collect(s, st, sizeof **out, store_sale_row, (void **)out, n, e);
}

int store_invoice_add_reprint(struct store *s, int64_t invoice_no, int *count, struct kwh_err *e)
{
    int64_t v;
    sql_stmt *st = sql_prep(s,
                            "UPDATE sales SET reprints = reprints + 1 "
                            "WHERE invoice_no = :no AND state = 1",
                            e);
    int rc;

    if (st == NULL)
        return KWH_EDB;
    sql_i64(st, ":no", invoice_no);
    if ((rc = sql_done(s, st, e)) < 0)
        return rc;
    if (sql_changes(s) != 1)
        return kwh_err_set(e, KWH_ENOTFOUND, "no settled invoice %lld", (long long)invoice_no);
    st = sql_prep(s, "SELECT reprints FROM sales WHERE invoice_no = :no", e);
    if (st == NULL)
        return KWH_EDB;
    sql_i64(st, ":no", invoice_no);
    if ((rc = sql_int(s, st, 0, &v, e)) < 0)
        return rc;
    *count = (int)v;
    return 0;
}

int store_invoice_set_printed(struct store *s, int64_t invoice_no, int64_t now, bool *first,
                              struct kwh_err *e)
{
    sql_stmt *st = sql_prep(s,
                            "UPDATE sales SET printed = :now "
                            "WHERE invoice_no = :no AND printed = 0",
                            e);
    int rc;

    if (st == NULL)
        return KWH_EDB;
    sql_i64(st, ":now", now > 0 ? now : 1);
    sql_i64(st, ":no", invoice_no);
    rc = sql_done(s, st, e);
    if (rc == 0 && first != NULL)
        *first = sql_changes(s) == 1;
    return rc;
}

int store_invoice_replacement(struct store *s, int64_t sale_id, int64_t *invoice_no,
                              struct kwh_err *e)
{
    sql_stmt *st = sql_prep(s,
                            "SELECT coalesce(max(invoice_no), 0) FROM sales "
                            "WHERE replaces_id = :id AND state = 1",
                            e);

    *invoice_no = 0;
    if (st == NULL)
        return KWH_EDB;
    sql_i64(st, ":id", sale_id);
    return sql_int(s, st, 0, invoice_no, e);
}
