/* SPDX-License-Identifier: Apache-2.0 */
/* Operators: names, roles, password hashes, lock-out state. */
#include <stdlib.h>
#include <string.h>

#include "kwhpos/util.h"
#include "store/sql.h"

#define OP_COLS "id, name, role, must_change, failed, locked_until, lockouts"

static void read_operator(sql_stmt *st, struct kwh_operator *o)
{
    memset(o, 0, sizeof *o);
    o->id = sql_col_i64(st, 0);
    sql_col_text(st, 1, o->name, sizeof o->name);
    o->role = sql_col_int(st, 2);
    o->must_change = sql_col_int(st, 3) != 0;
    o->failed_logins = sql_col_int(st, 4);
    o->locked_until = sql_col_i64(st, 5);
    o->lockouts = sql_col_int(st, 6);
}

static void rd_operator(sql_stmt *st, void *row)
{
    read_operator(st, row);
}

int store_operator_add(struct store *s, const char *name, int role, const char *hash,
                       bool must_change, int64_t now, int64_t *id, struct kwh_err *e)
{
    sql_stmt *st = sql_prep(s,
                            "INSERT INTO operators (name, role, pw_hash, must_change, "
                            "created) VALUES (:name, :role, :hash, :must, :now) RETURNING id",
                            e);
    int64_t new_id;
    int rc;
    if (st == NULL)
        return KWH_EDB;
    sql_text(st, ":name", name);
    sql_i64(st, ":role", role);
    sql_text(st, ":hash", hash);
    sql_i64(st, ":must", must_change);
    sql_i64(st, ":now", now);
    rc = sql_insert(s, st, &new_id, e);
    if (rc == KWH_ECONFLICT)
        return kwh_err_set(e, KWH_ECONFLICT, "an operator named '%s' already exists", name);
    if (rc == 0 && id)
        *id = new_id;
    return rc;
}

int store_operator_get(struct store *s, const char *name, struct kwh_operator *out, char *hash,
                       size_t hash_len, struct kwh_err *e)
{
    sql_stmt *st = sql_prep(s,
                            "SELECT " OP_COLS ", pw_hash FROM operators "
                            "WHERE name = :name AND active = 1",
                            e);
    int rc;
    if (st == NULL)
        return KWH_EDB;
    sql_text(st, ":name", name);
    rc = sql_row(s, st, e);
    if (rc < 0)
        return rc;
    if (rc == 0)
        return kwh_err_set(e, KWH_ENOTFOUND, "no operator named '%s'", name);
    read_operator(st, out);
    if (hash) /* read before the reset that ends the row */
        sql_col_text(st, 7, hash, hash_len);
    sql_reset(st);
    return 0;
}

int store_operator_get_id(struct store *s, int64_t id, struct kwh_operator *out, struct kwh_err *e)
{
    sql_stmt *st = sql_prep(s, "SELECT " OP_COLS " FROM operators WHERE id = :id", e);
    if (st == NULL)
        return KWH_EDB;
    sql_i64(st, ":id", id);
    return sql_one(s, st, rd_operator, out, KWH_N("no such operator"), e);
}

int store_operator_set_hash(struct store *s, int64_t id, const char *hash, bool must_change,
                            struct kwh_err *e)
{
    sql_stmt *st = sql_prep(s,
                            "UPDATE operators SET pw_hash = :hash, must_change = :must, "
                            "failed = 0, locked_until = 0 WHERE id = :id",
                            e);
    if (st == NULL)
        return KWH_EDB;
    sql_text(st, ":hash", hash);
    sql_i64(st, ":must", must_change);
    sql_i64(st, ":id", id);
    return sql_done(s, st, e);
}

int store_operator_set_lock(struct store *s, int64_t id, int failed, int lockouts,
                            int64_t locked_until, struct kwh_err *e)
{
    sql_stmt *st = sql_prep(s,
                            "UPDATE operators SET failed = :failed, lockouts = :lockouts, "
                            "locked_until = :until WHERE id = :id",
                            e);
    if (st == NULL)
        return KWH_EDB;
    sql_i64(st, ":failed", failed);
    sql_i64(st, ":lockouts", lockouts);
    sql_i64(st, ":until", locked_until);
    sql_i64(st, ":id", id);
    return sql_done(s, st, e);
}

int store_operator_set_role(struct store *s, int64_t id, int role, struct kwh_err *e)
{
    sql_stmt *st = sql_prep(s, "UPDATE operators SET role = :role WHERE id = :id", e);
    if (st == NULL)
        return KWH_EDB;
    sql_i64(st, ":role", role);
    sql_i64(st, ":id", id);
    return sql_done(s, st, e);
}

int store_operator_deactivate(struct store *s, int64_t id, int64_t now, struct kwh_err *e)
{
    sql_stmt *st = sql_prep(s,
                            "UPDATE operators SET active = 0, deleted = :now "
                            "WHERE id = :id",
                            e);
    if (st == NULL)
        return KWH_EDB;
    sql_i64(st, ":now", now);
    sql_i64(st, ":id", id);
    return sql_done(s, st, e);
}

int store_operator_count_admins(struct store *s, int64_t *n, struct kwh_err *e)
{
    sql_stmt *st = sql_prep(s, "SELECT count(*) FROM operators WHERE active = 1 AND role = 2", e);
    if (st == NULL)
        return KWH_EDB;
    return sql_int(s, st, 0, n, e);
}

int store_operator_list(struct store *s, struct kwh_operator **out, size_t *n, struct kwh_err *e)
{
    sql_stmt *st = sql_prep(s,
                            "SELECT " OP_COLS " FROM operators WHERE active = 1 "
                            "ORDER BY role DESC, name",
                            e);
    if (st == NULL)
        return KWH_EDB;
    return sql_collect(s, st, sizeof **out, rd_operator, (void **)out, n, e);
}
