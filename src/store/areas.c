/* SPDX-License-Identifier: Apache-2.0 */
/* The area tree (each area with its materialised path "/1/4/9/", so a subtree is one
 * prefix), the operators' scope, and the card blacklist. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kwhpos/util.h"
#include "store/sql.h"

/* An area's subtree, as a condition on areas a and the bound :path. */
#define IN_SUBTREE(a) "substr(" a ".path, 1, length(:path)) = :path"

static void rd_area(sql_stmt *st, void *row)
{
    struct store_area *a = row;
    memset(a, 0, sizeof *a);
    a->id = sql_col_i64(st, 0);
    a->parent_id = sql_col_null(st, 1) ? 0 : sql_col_i64(st, 1);
    sql_col_text(st, 2, a->name, sizeof a->name);
    sql_col_text(st, 3, a->path, sizeof a->path);
}

#define AREA_COLS "SELECT id, parent_id, name, path FROM areas "

int store_areas(struct store *s, struct store_area **out, size_t *n, struct kwh_err *e)
{
    sql_stmt *st = sql_prep(s, AREA_COLS "ORDER BY path", e);
    if (st == NULL)
        return KWH_EDB;
    return sql_collect(s, st, sizeof **out, rd_area, (void **)out, n, e);
}

int store_area_get(struct store *s, int64_t id, struct store_area *out, struct kwh_err *e)
{
    sql_stmt *st = sql_prep(s, AREA_COLS "WHERE id = :id", e);
    int rc;
    if (st == NULL)
        return KWH_EDB;
    sql_i64(st, ":id", id);
    if ((rc = sql_one(s, st, rd_area, out, NULL, e)) == KWH_ENOTFOUND)
        return kwh_err_set(e, rc, "no area #%lld", (long long)id);
    return rc;
}

int store_area_root(struct store *s, struct store_area *out, struct kwh_err *e)
{
    sql_stmt *st = sql_prep(s, AREA_COLS "WHERE parent_id IS NULL ORDER BY id LIMIT 1", e);
    if (st == NULL)
        return KWH_EDB;
    return sql_one(s, st, rd_area, out, KWH_N("the area tree has no root"), e);
}

int store_area_child(struct store *s, int64_t parent, const char *name, struct store_area *out,
                     struct kwh_err *e)
{
    sql_stmt *st = sql_prep(s, AREA_COLS "WHERE parent_id = :parent AND name = :name", e);
    int rc;
    if (st == NULL)
        return KWH_EDB;
    sql_i64(st, ":parent", parent);
    sql_text(st, ":name", name);
    if ((rc = sql_one(s, st, rd_area, out, NULL, e)) == KWH_ENOTFOUND)
        return kwh_err_set(e, rc, "no area %s there", name);
    return rc;
}

int store_area_insert(struct store *s, int64_t parent, const char *name, int64_t now, int64_t *id,
                      struct kwh_err *e)
{
    sql_stmt *st = sql_prep(s,
                            "INSERT INTO areas (parent_id, name, path, created) VALUES (:parent, "
                            ":name, '', :now) RETURNING id",
                            e);
    int rc;
    if (st == NULL)
        return KWH_EDB;
    sql_i64(st, ":parent", parent);
    sql_text(st, ":name", name);
    sql_i64(st, ":now", now);
    if ((rc = sql_insert(s, st, id, e)) == KWH_ECONFLICT)
        return kwh_err_set(e, rc, "there is already an area named %s there", name);
    if (rc < 0)
        return rc;
    st = sql_prep(s,
                  "UPDATE areas SET path = (SELECT p.path FROM areas p WHERE p.id = :parent) || "
                  "CAST(:id AS TEXT) || '/' WHERE id = :id",
                  e);
    if (st == NULL)
        return KWH_EDB;
    sql_i64(st, ":parent", parent);
    sql_i64(st, ":id", *id);
    return sql_done(s, st, e);
}

int store_area_rename(struct store *s, int64_t id, const char *name, struct kwh_err *e)
{
    sql_stmt *st = sql_prep(s, "UPDATE areas SET name = :name WHERE id = :id", e);
    int rc;
    if (st == NULL)
        return KWH_EDB;
    sql_i64(st, ":id", id);
    sql_text(st, ":name", name);
    if ((rc = sql_done(s, st, e)) == KWH_ECONFLICT)
        return kwh_err_set(e, rc, "there is already an area named %s there", name);
    return rc;
}

int store_area_move(struct store *s, int64_t id, int64_t parent, struct kwh_err *e)
{
    struct store_area a, p;
    char path[sizeof a.path];
    sql_stmt *st;
    int rc;

    if ((rc = store_area_get(s, id, &a, e)) < 0 || (rc = store_area_get(s, parent, &p, e)) < 0)
        return rc;
    if (snprintf(path, sizeof path, "%s%lld/", p.path, (long long)id) >= (int)sizeof path)
        return kwh_err_set(e, KWH_EINVAL, "the area tree is too deep");
    st = sql_prep(s, "UPDATE areas SET parent_id = :parent WHERE id = :id", e);
    if (st == NULL)
        return KWH_EDB;
    sql_i64(st, ":parent", parent);
    sql_i64(st, ":id", id);
    if ((rc = sql_done(s, st, e)) == KWH_ECONFLICT)
        return kwh_err_set(e, rc, "there is already an area named %s there", a.name);
    if (rc < 0)
        return rc;
    st = sql_prep(
        s,
        "UPDATE areas SET path = :new || substr(path, length(:path) + 1) WHERE " IN_SUBTREE(
            "areas"),
        e);
    if (st == NULL)
        return KWH_EDB;
    sql_text(st, ":new", path);
    sql_text(st, ":path", a.path);
    return sql_done(s, st, e);
}

int store_area_delete(struct store *s, int64_t id, struct kwh_err *e)
{
    sql_stmt *st = sql_prep(s, "DELETE FROM areas WHERE id = :id", e);
    if (st == NULL)
        return KWH_EDB;
    sql_i64(st, ":id", id);
    return sql_done(s, st, e);
}

int store_area_usage(struct store *s, int64_t id, int64_t *accounts, int64_t *children,
                     int64_t *scopes, struct kwh_err *e)
{
    struct store_area a;
    sql_stmt *st;
    int rc;

    if ((rc = store_area_get(s, id, &a, e)) < 0)
        return rc;
    st = sql_prep(
        s,
        "SELECT count(*) FROM customers c JOIN areas a ON a.id = c.area_id WHERE " IN_SUBTREE("a"),
        e);
    if (st == NULL)
        return KWH_EDB;
    sql_text(st, ":path", a.path);
    if ((rc = sql_int(s, st, 0, accounts, e)) < 0)
        return rc;
    if ((st = sql_prep(s, "SELECT count(*) FROM areas WHERE parent_id = :id", e)) == NULL)
        return KWH_EDB;
    sql_i64(st, ":id", id);
    if ((rc = sql_int(s, st, 0, children, e)) < 0)
        return rc;
    if ((st = sql_prep(s, "SELECT count(*) FROM operator_areas WHERE area_id = :id", e)) == NULL)
        return KWH_EDB;
    sql_i64(st, ":id", id);
    return sql_int(s, st, 0, scopes, e);
}

int store_area_counts(struct store *s, int (*fn)(void *ctx, int64_t area_id, int64_t n), void *ctx,
                      struct kwh_err *e)
{
    sql_stmt *st = sql_prep(s,
                            "SELECT area_id, count(*) FROM customers WHERE status IN (1, 2) "
                            "GROUP BY area_id",
                            e);
    int rc;
    if (st == NULL)
        return KWH_EDB;
    while ((rc = sql_row(s, st, e)) == 1) {
        if ((rc = fn(ctx, sql_col_i64(st, 0), sql_col_i64(st, 1))) != 0) {
            sql_reset(st);
            return rc;
        }
    }
    return rc;
}

/* --- scope ------------------------------------------------------------------------------ */

int store_scope_get(struct store *s, int64_t operator_id, int64_t *areas, size_t max, size_t *n,
                    struct kwh_err *e)
{
    sql_stmt *st = sql_prep(s,
                            "SELECT area_id FROM operator_areas WHERE operator_id = :op "
                            "ORDER BY area_id",
                            e);
    int rc;
    if (st == NULL)
        return KWH_EDB;
    sql_i64(st, ":op", operator_id);
    *n = 0;
    while ((rc = sql_row(s, st, e)) == 1)
        if (*n < max)
            areas[(*n)++] = sql_col_i64(st, 0);
    return rc;
}

int store_scope_set(struct store *s, int64_t operator_id, const int64_t *areas, size_t n,
                    struct kwh_err *e)
{
    sql_stmt *st = sql_prep(s, "DELETE FROM operator_areas WHERE operator_id = :op", e);
    int rc;
    if (st == NULL)
        return KWH_EDB;
    sql_i64(st, ":op", operator_id);
    if ((rc = sql_done(s, st, e)) < 0)
        return rc;
    for (size_t i = 0; i < n; i++) {
        st = sql_prep(s,
                      "INSERT INTO operator_areas (operator_id, area_id) VALUES (:op, :area) "
                      "ON CONFLICT DO NOTHING",
                      e);
        if (st == NULL)
            return KWH_EDB;
        sql_i64(st, ":op", operator_id);
        sql_i64(st, ":area", areas[i]);
        if ((rc = sql_done(s, st, e)) < 0)
            return rc;
    }
    return 0;
}

int store_scope_allows(struct store *s, int64_t operator_id, int64_t area_id, bool *ok,
                       struct kwh_err *e)
{
    sql_stmt *st = sql_prep(
        s,
        "SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM operator_areas WHERE operator_id = :op) "
        "THEN 1 WHEN EXISTS (SELECT 1 FROM operator_areas o JOIN areas sa ON sa.id = o.area_id "
        "JOIN areas ca ON ca.id = :area WHERE o.operator_id = :op AND "
        "substr(ca.path, 1, length(sa.path)) = sa.path) THEN 1 ELSE 0 END",
        e);
    int64_t v;
    int rc;
    if (st == NULL)
        return KWH_EDB;
    sql_i64(st, ":op", operator_id);
    sql_i64(st, ":area", area_id);
    if ((rc = sql_int(s, st, 0, &v, e)) < 0)
        return rc;
    *ok = v != 0;
    return 0;
}

/* --- card marks ------------------------------------------------------------------------- */

#define MARK_COLS                                                                                  \
    "SELECT m.serial, m.customer_id, m.reason, m.marked, m.replaced, "                             \
    "COALESCE(m.operator_id, 0), m.attempts, m.last_attempt, c.customer_no, c.name, "              \
    "COALESCE(o.name, ''), COALESCE(c.area_id, 0) FROM card_marks m JOIN customers c ON "          \
    "c.id = m.customer_id LEFT JOIN operators o ON o.id = m.operator_id "

static void rd_mark(sql_stmt *st, void *row)
{
    struct store_card_mark *m = row;
    memset(m, 0, sizeof *m);
    sql_col_blob(st, 0, m->serial, sizeof m->serial);
    m->customer_id = sql_col_i64(st, 1);
    m->reason = sql_col_int(st, 2);
    m->marked = sql_col_i64(st, 3);
    m->replaced = sql_col_i64(st, 4);
    m->operator_id = sql_col_i64(st, 5);
    m->attempts = sql_col_i64(st, 6);
    m->last_attempt = sql_col_i64(st, 7);
    m->customer_no = (uint32_t)sql_col_i64(st, 8);
    sql_col_text(st, 9, m->customer_name, sizeof m->customer_name);
    sql_col_text(st, 10, m->operator_name, sizeof m->operator_name);
    m->area_id = sql_col_i64(st, 11);
}

int store_card_mark_put(struct store *s, const uint8_t serial[CARD_SERIAL_LEN], int64_t customer_id,
                        int reason, int64_t now, int64_t operator_id, struct kwh_err *e)
{
    /* reason 1 (replaced) over an earlier mark keeps its reason and notes the time */
    sql_stmt *st = sql_prep(
        s,
        "INSERT INTO card_marks (serial, customer_id, reason, marked, operator_id, replaced) "
        "VALUES (:serial, :cust, :reason, :now, :op, CASE WHEN :reason = 1 THEN :now ELSE 0 END) "
        "ON CONFLICT (serial) DO UPDATE SET replaced = CASE WHEN excluded.reason = 1 THEN "
        "excluded.marked ELSE card_marks.replaced END, reason = CASE WHEN excluded.reason = 1 "
        "THEN card_marks.reason ELSE excluded.reason END, customer_id = excluded.customer_id",
        e);
    if (st == NULL)
        return KWH_EDB;
    sql_blob(st, ":serial", serial, CARD_SERIAL_LEN);
    sql_i64(st, ":cust", customer_id);
    sql_i64(st, ":reason", reason);
    sql_i64(st, ":now", now);
    if (operator_id > 0)
        sql_i64(st, ":op", operator_id);
    else
        sql_null_as(st, ":op", SQL_INT);
    return sql_done(s, st, e);
}

int store_card_mark_get(struct store *s, const uint8_t serial[CARD_SERIAL_LEN],
                        struct store_card_mark *out, struct kwh_err *e)
{
    sql_stmt *st = sql_prep(s, MARK_COLS "WHERE m.serial = :serial", e);
    if (st == NULL)
        return KWH_EDB;
    sql_blob(st, ":serial", serial, CARD_SERIAL_LEN);
    return sql_one(s, st, rd_mark, out, KWH_N("the card is not on the blacklist"), e);
}

int store_card_mark_attempt(struct store *s, const uint8_t serial[CARD_SERIAL_LEN], int64_t now,
                            struct kwh_err *e)
{
    sql_stmt *st = sql_prep(s,
                            "UPDATE card_marks SET attempts = attempts + 1, last_attempt = :now "
                            "WHERE serial = :serial",
                            e);
    if (st == NULL)
        return KWH_EDB;
    sql_blob(st, ":serial", serial, CARD_SERIAL_LEN);
    sql_i64(st, ":now", now);
    return sql_done(s, st, e);
}

int store_card_mark_delete(struct store *s, const uint8_t serial[CARD_SERIAL_LEN],
                           struct kwh_err *e)
{
    sql_stmt *st = sql_prep(s, "DELETE FROM card_marks WHERE serial = :serial", e);
    if (st == NULL)
        return KWH_EDB;
    sql_blob(st, ":serial", serial, CARD_SERIAL_LEN);
    return sql_done(s, st, e);
}

int store_card_marks(struct store *s, struct store_card_mark **out, size_t *n, struct kwh_err *e)
{
    sql_stmt *st = sql_prep(s, MARK_COLS "ORDER BY m.marked DESC, c.customer_no", e);
    if (st == NULL)
        return KWH_EDB;
    return sql_collect(s, st, sizeof **out, rd_mark, (void **)out, n, e);
}

int store_card_seen_add(struct store *s, const struct store_seen *r, struct kwh_err *e)
{
    sql_stmt *st = sql_prep(
        s,
        "INSERT INTO card_seen (serial, customer_id, seen, purchase_count, generation, slot, "
        "ret_meter, ret_count, ret_time, ret_used, ret_bought, ret_display, psc_errors, "
        "operator_id) VALUES (:serial, :cust, :seen, :pc, :gen, :slot, :meter, :count, :time, "
        ":used, :bought, :display, :psc, :op)",
        e);
    if (st == NULL)
        return KWH_EDB;
    sql_blob(st, ":serial", r->serial, CARD_SERIAL_LEN);
    if (r->customer_id > 0)
        sql_i64(st, ":cust", r->customer_id);
    else
        sql_null_as(st, ":cust", SQL_INT);
    sql_i64(st, ":seen", r->seen);
    sql_i64(st, ":pc", r->purchase_count);
    sql_i64(st, ":gen", r->generation);
    sql_blob(st, ":slot", r->slot, (int)sizeof r->slot);
    sql_i64(st, ":meter", r->ret_meter);
    sql_i64(st, ":count", r->ret_count);
    sql_i64(st, ":time", r->ret_time);
    sql_i64(st, ":used", r->ret_used);
    sql_i64(st, ":bought", r->ret_bought);
    sql_i64(st, ":display", r->ret_display);
    sql_i64(st, ":psc", r->psc_tries);
    if (r->operator_id > 0)
        sql_i64(st, ":op", r->operator_id);
    else
        sql_null_as(st, ":op", SQL_INT);
    return sql_done(s, st, e);
}
