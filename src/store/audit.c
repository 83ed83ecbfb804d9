/* SPDX-License-Identifier: Apache-2.0 */
/* The audit log rows; the hash chain itself is computed in core/audit.c. */
#include <string.h>

#include "store/sql.h"

int store_audit_last_hash(struct store *s, int64_t *last_id, uint8_t hash[32], struct kwh_err *e)
{
    sql_stmt *st = sql_prep(s, "SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1", e);
    int rc;
    if (st == NULL)
        return KWH_EDB;
    rc = sql_row(s, st, e);
    if (rc < 0)
        return rc;
    if (rc == 0) {
        *last_id = 0;
        memset(hash, 0, 32);
        return 0;
    }
    *last_id = sql_col_i64(st, 0);
    sql_col_blob(st, 1, hash, 32);
    sql_reset(st);
    return 0;
}

int store_audit_insert(struct store *s, const struct store_audit *a, struct kwh_err *e)
{
    sql_stmt *st = sql_prep(s,
                            "INSERT INTO audit (id, ts, operator, op, subject, before, "
                            "after, hash) VALUES (:id, :ts, :operator, :op, :subject, "
                            ":before, :after, :hash)",
                            e);
    if (st == NULL)
        return KWH_EDB;
    sql_i64(st, ":id", a->id);
    sql_i64(st, ":ts", a->ts);
    sql_text(st, ":operator", a->operator_name);
    sql_text(st, ":op", a->op);
    sql_text(st, ":subject", a->subject);
    sql_text(st, ":before", a->before);
    sql_text(st, ":after", a->after);
    sql_blob(st, ":hash", a->hash, 32);
    return sql_done(s, st, e);
}

int store_audit_each(struct store *s, int (*fn)(void *ctx, const struct store_audit *a), void *ctx,
                     struct kwh_err *e)
{
    sql_stmt *st = sql_prep(s,
                            "SELECT id, ts, operator, op, subject, before, after, hash "
                            "FROM audit ORDER BY id",
                            e);
    struct store_audit a;
    int rc;
    if (st == NULL)
        return KWH_EDB;
    while ((rc = sql_row(s, st, e)) == 1) {
        memset(&a, 0, sizeof a);
        a.id = sql_col_i64(st, 0);
        a.ts = sql_col_i64(st, 1);
        sql_col_text(st, 2, a.operator_name, sizeof a.operator_name);
        sql_col_text(st, 3, a.op, sizeof a.op);
        sql_col_text(st, 4, a.subject, sizeof a.subject);
        sql_col_text(st, 5, a.before, sizeof a.before);
        sql_col_text(st, 6, a.after, sizeof a.after);
        sql_col_blob(st, 7, a.hash, sizeof a.hash);
        int stop = fn(ctx, &a);
        if (stop != 0) {
            sql_reset(st);
            return stop;
        }
    }
    return rc;
}

int store_audit_hash(struct store *s, int64_t id, uint8_t hash[32], bool *found, struct kwh_err *e)
{
    sql_stmt *st = sql_prep(s, "SELECT hash FROM audit WHERE id = :id", e);
    int rc;
    if (st == NULL)
        return KWH_EDB;
    sql_i64(st, ":id", id);
    rc = sql_row(s, st, e);
    if (rc < 0)
        return rc;
    *found = rc == 1;
    memset(hash, 0, 32);
    if (rc == 1) {
        sql_col_blob(st, 0, hash, 32);
        sql_reset(st);
    }
    return 0;
}

int store_audit_find(struct store *s, const char *op, const char *subject_prefix, int64_t *id,
                     uint8_t hash[32], struct kwh_err *e)
{
    sql_stmt *st = sql_prep(s,
                            "SELECT id, hash FROM audit WHERE op = :op AND "
                            "substr(subject, 1, length(:prefix)) = :prefix "
                            "ORDER BY id DESC LIMIT 1",
                            e);
    int rc;
    if (st == NULL)
        return KWH_EDB;
    sql_text(st, ":op", op);
    sql_text(st, ":prefix", subject_prefix);
    rc = sql_row(s, st, e);
    if (rc < 0)
        return rc;
    *id = 0;
    memset(hash, 0, 32);
    if (rc == 1) {
        *id = sql_col_i64(st, 0);
        sql_col_blob(st, 1, hash, 32);
        sql_reset(st);
    }
    return 0;
}
