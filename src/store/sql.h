/* SPDX-License-Identifier: Apache-2.0 */
/* Inside src/store: one statement interface over two database backends.
 *
 * Every store file writes its SQL once, with named parameters (":name"), and reads
 * columns through the helpers below; it never sees which backend runs it. A backend is
 * a table of functions (struct sql_backend): SQLite (db_lite.c) and PostgreSQL through
 * libpq (db_pg.c). The PostgreSQL backend rewrites ":name" to "$n" when it prepares a
 * statement. Where the two dialects differ, the backend or the schema carries the
 * difference (docs/architecture.md lists each one and its mechanism). */
#ifndef KWHPOS_STORE_SQL_H
#define KWHPOS_STORE_SQL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kwhpos/err.h"
#include "store/store.h"
#include "store/store_query.h"

/* Statements cached per connection, keyed by the address of their SQL text. */
#define STORE_CACHE 128

/* The id of tariff T's price version in force at :now: the latest valid_from <= :now (the
 * newest row on a tie); the first version should the clock stand before all of them. A
 * version dated after :now is scheduled (待生效) and not used yet. */
#define SQL_PRICE_IN_FORCE(T)                                                                      \
    "coalesce((SELECT id FROM tariff_prices WHERE tariff_id = " T " AND valid_from <= :now "       \
    "ORDER BY valid_from DESC, id DESC LIMIT 1), (SELECT min(id) FROM tariff_prices WHERE "        \
    "tariff_id = " T "))"

/* The ids of the areas in the subtrees operator :scope is limited to (the operators'
 * scope, src/core/scope.c): "c.area_id IN " SQL_SCOPE_AREA_IDS keeps their accounts. */
#define SQL_SCOPE_AREA_IDS                                                                         \
    "(SELECT ca.id FROM operator_areas oa JOIN areas sa ON sa.id = oa.area_id JOIN areas ca ON "   \
    "substr(ca.path, 1, length(sa.path)) = sa.path WHERE oa.operator_id = :scope)"

typedef struct sql_stmt sql_stmt;
struct sql_backend;

/* What every backend's connection starts with. */
struct store {
    const struct sql_backend *be;
    char path[1024];  /* the database file, or the connection string as given */
    char label[1024]; /* the same for messages: a connection string without its password */
    bool in_tx;
    bool damage_seen; /* the database answered that the file is damaged (SQLite's
                         SQLITE_CORRUPT, SQLITE_NOTADB; a backup's check of its copy) */
};

/* What every backend's statement starts with. */
struct sql_stmt {
    const struct sql_backend *be;
    struct store *s;
    /* a binding that failed: the parameter's name (":x", one the statement does not have:
       a programmer's error) or "out of memory"; the next step fails with it, and clears
       it */
    const char *bind_error;
};

enum sql_dialect { SQL_SQLITE, SQL_PG };
enum sql_type { SQL_ANY, SQL_INT, SQL_TEXT, SQL_BLOB };

struct sql_backend {
    const char *name;
    enum sql_dialect dialect;
    /* Whether this backend serves target (a file path, or a connection string). */
    bool (*claims)(const char *target);
    int (*open)(struct store **out, const char *target, bool create, struct kwh_err *e);
    void (*close)(struct store *s);

    sql_stmt *(*prep)(struct store *s, const char *sql, struct kwh_err *e);
    void (*bind_i64)(sql_stmt *st, const char *name, int64_t v);
    void (*bind_text)(sql_stmt *st, const char *name, const char *v);
    void (*bind_blob)(sql_stmt *st, const char *name, const void *v, int len);
    /* type: the type the value would have (SQL_INT, SQL_TEXT, SQL_BLOB), or SQL_ANY when
     * the statement itself determines it */
    void (*bind_null)(sql_stmt *st, const char *name, enum sql_type type);
    /* 1 = a row, 0 = no more rows (reset), < 0 = error (reset). */
    int (*step)(sql_stmt *st, struct kwh_err *e);
    void (*reset)(sql_stmt *st);
    bool (*col_null)(sql_stmt *st, int col);
    int64_t (*col_i64)(sql_stmt *st, int col);
    /* Copies the value into buf (text: NUL-terminated); returns its length in bytes. */
    size_t (*col_text)(sql_stmt *st, int col, char *buf, size_t n);
    size_t (*col_blob)(sql_stmt *st, int col, void *buf, size_t n);
    /* For copying whole tables (copy.c): the columns of a result, and each value's type
     * (SQL_ANY for NULL). */
    int (*col_count)(sql_stmt *st);
    const char *(*col_name)(sql_stmt *st, int col);
    enum sql_type (*col_type)(sql_stmt *st, int col);
    /* After rows were copied in with their ids: new rows of table get ids after them. */
    int (*ids_follow)(struct store *s, const char *table, int64_t max_id, struct kwh_err *e);
    /* Rows changed by the last INSERT, UPDATE or DELETE of this connection. */
    int64_t (*changes)(struct store *s);
    /* A script of statements without parameters (schema, migrations). */
    int (*exec)(struct store *s, const char *script, struct kwh_err *e);

    /* the writer's claim on a card write (store_op_claim) */
    int (*claim)(struct store *s, int64_t op_id, struct kwh_err *e);
    void (*release)(struct store *s, int64_t op_id);
    int (*claimed)(struct store *s, int64_t op_id, bool *busy, struct kwh_err *e);

    int (*begin)(struct store *s, struct kwh_err *e);
    int (*commit)(struct store *s, struct kwh_err *e);
    void (*rollback)(struct store *s);

    int (*version_get)(struct store *s, int *version, struct kwh_err *e);
    int (*version_set)(struct store *s, int version, struct kwh_err *e);
    /* Objects in the database (0: empty); kwhpos tables among settings, operators,
     * customers, sales, card_ops, audit. */
    int (*objects)(struct store *s, int64_t *objects, int64_t *kwh_tables, struct kwh_err *e);

    /* stop (may be NULL): once *stop is set the copy ends soon, leaving no file */
    int (*backup_to)(struct store *s, const char *path, int64_t *bytes,
                     const volatile sig_atomic_t *stop, struct kwh_err *e);
    int (*integrity)(struct store *s, bool *ok, char *msg, size_t n, struct kwh_err *e);
    /* Whether file is a backup this backend writes (read from its first bytes). */
    bool (*is_backup)(const char *file);
    int (*inspect)(const char *file, struct store_file_info *out, struct kwh_err *e);
    int (*replace)(const char *target, const char *new_path, const char *keep_path,
                   struct kwh_err *e);
    int (*install)(const char *target, const char *new_path, struct kwh_err *e);
    int (*exists)(const char *target, bool *exists, struct kwh_err *e);
    void (*local_dir)(const char *target, char *buf, size_t n);
};

extern const struct sql_backend sql_lite;
extern const struct sql_backend sql_pg;

/* The backend that serves target. */
const struct sql_backend *sql_backend_for(const char *target);

/* A reset, cached statement for sql (a string literal); NULL with e set on error. */
static inline sql_stmt *sql_prep(struct store *s, const char *sql, struct kwh_err *e)
{
    return s->be->prep(s, sql, e);
}

/* Binding by parameter name (":name"); a missing name is a programmer error. */
static inline void sql_i64(sql_stmt *st, const char *name, int64_t v)
{
    st->be->bind_i64(st, name, v);
}
static inline void sql_text(sql_stmt *st, const char *name, const char *v)
{
    st->be->bind_text(st, name, v);
}
static inline void sql_blob(sql_stmt *st, const char *name, const void *v, int len)
{
    st->be->bind_blob(st, name, v, len);
}
static inline void sql_null(sql_stmt *st, const char *name)
{
    st->be->bind_null(st, name, SQL_ANY);
}
/* A NULL that stands for an integer or a text in a statement that cannot tell which
 * (":x IS NULL OR ..."; PostgreSQL types each parameter when it prepares). */
static inline void sql_null_as(sql_stmt *st, const char *name, enum sql_type type)
{
    st->be->bind_null(st, name, type);
}

/* The error of a failed binding (st->bind_error): the statement reset, KWH_EDB. */
int sql_bind_failed(sql_stmt *st, struct kwh_err *e);

/* Steps once: 1 = a row, 0 = no more rows, < 0 = error. */
static inline int sql_row(struct store *s, sql_stmt *st, struct kwh_err *e)
{
    (void)s;
    if (st->bind_error != NULL)
        return sql_bind_failed(st, e);
    return st->be->step(st, e);
}
static inline void sql_reset(sql_stmt *st)
{
    st->be->reset(st);
}

/* Column helpers: integers (a NULL reads as 0, a boolean as 0 or 1), text and blobs
 * copied into the caller's buffer (text truncated and terminated, NULL as ""; a blob
 * padded with 0xFF). */
static inline int64_t sql_col_i64(sql_stmt *st, int col)
{
    return st->be->col_i64(st, col);
}
static inline int sql_col_int(sql_stmt *st, int col)
{
    return (int)st->be->col_i64(st, col);
}
static inline bool sql_col_null(sql_stmt *st, int col)
{
    return st->be->col_null(st, col);
}
void sql_col_text(sql_stmt *st, int col, char *buf, size_t n);
void sql_col_blob(sql_stmt *st, int col, void *buf, size_t n);

/* Rows changed by the last statement of this connection. */
static inline int64_t sql_changes(struct store *s)
{
    return s->be->changes(s);
}

/* Steps a statement that returns no rows (or ignores them); maps errors. */
int sql_done(struct store *s, sql_stmt *st, struct kwh_err *e);
/* Steps an INSERT ... RETURNING id and gives the new row's id. */
int sql_insert(struct store *s, sql_stmt *st, int64_t *id, struct kwh_err *e);

/* Steps st to the end, appending each row to a growing heap array (rd fills one
 * element of `size` bytes); *out is caller-freed, NULL when empty. */
typedef void (*sql_reader)(sql_stmt *st, void *row);
int sql_collect(struct store *s, sql_stmt *st, size_t size, sql_reader rd, void **out, size_t *n,
                struct kwh_err *e);

/* Steps st for one row, read by rd into row: 0, or KWH_ENOTFOUND with the (translated)
 * message `notfound` (a KWH_N literal; NULL: the caller words it) when there is none.
 * The statement is reset either way. */
int sql_one(struct store *s, sql_stmt *st, sql_reader rd, void *row, const char *notfound,
            struct kwh_err *e);
/* The first column of the first row as an integer (def when there is no row). */
int sql_int(struct store *s, sql_stmt *st, int64_t def, int64_t *out, struct kwh_err *e);
/* The same as a yes/no (no row: no). */
int sql_flag(struct store *s, sql_stmt *st, bool *out, struct kwh_err *e);

/* Runs a script of statements without parameters (migrations). */
static inline int sql_exec(struct store *s, const char *script, struct kwh_err *e)
{
    return s->be->exec(s, script, e);
}

#endif
