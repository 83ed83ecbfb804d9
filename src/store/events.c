/* SPDX-License-Identifier: Apache-2.0 */
/* Account events for the queries M22-M25: transfers, closings, reissues, meter changes. */
#include "store/sql.h"

int store_event_insert(struct store *s, struct store_event *ev, struct kwh_err *e)
{
    sql_stmt *st = sql_prep(s,
                            "INSERT INTO events (kind, customer_id, op_id, operator_id, "
                            "created, before, after) VALUES (:kind, :customer, :op, "
                            ":operator, :created, :before, :after) RETURNING id",
                            e);
    if (st == NULL)
        return KWH_EDB;
    sql_i64(st, ":kind", ev->kind);
    sql_i64(st, ":customer", ev->customer_id);
    if (ev->op_id > 0)
        sql_i64(st, ":op", ev->op_id);
    else
        sql_null(st, ":op");
    sql_i64(st, ":operator", ev->operator_id);
    sql_i64(st, ":created", ev->created);
    sql_text(st, ":before", ev->before);
    sql_text(st, ":after", ev->after);
    return sql_insert(s, st, &ev->id, e);
}
