/* SPDX-License-Identifier: Apache-2.0 */
/* The store's front: picks the backend for a target, opens and migrates, brackets
 * transactions, and the statement helpers common to both backends. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kwhpos/util.h"
#include "store/migrate.h"
#include "store/sql.h"

const struct sql_backend *sql_backend_for(const char *target)
{
    return sql_pg.claims(target) ? &sql_pg : &sql_lite;
}

int store_open(struct store **out, const char *path, bool create, struct kwh_err *e)
{
    return sql_backend_for(path)->open(out, path, create, e);
}

void store_close(struct store *s)
{
    if (s != NULL)
        s->be->close(s);
}

const char *store_path(const struct store *s)
{
    return s->path;
}

bool store_damage_seen(const struct store *s)
{
    return s->damage_seen;
}

void store_side_file(const char *target, const char *suffix, char *buf, size_t n)
{
    char dir[1024];

    if (sql_backend_for(target) == &sql_lite) {
        snprintf(buf, n, "%s%s", target, suffix);
        return;
    }
    store_local_dir(target, dir, sizeof dir);
    snprintf(buf, n, "%s/kwhpos-pg%s", dir, suffix);
}

int store_begin(struct store *s, struct kwh_err *e)
{
    int rc;
    if (s->in_tx)
        return kwh_err_set(e, KWH_EDB, "internal error: nested transaction");
    if ((rc = s->be->begin(s, e)) < 0)
        return rc;
    s->in_tx = true;
    return 0;
}

int store_commit(struct store *s, struct kwh_err *e)
{
    int rc = s->be->commit(s, e);
    if (rc < 0) {
        store_rollback(s);
        return rc;
    }
    s->in_tx = false;
    return 0;
}

void store_rollback(struct store *s)
{
    if (s == NULL || !s->in_tx)
        return;
    s->be->rollback(s);
    s->in_tx = false;
}

bool store_in_tx(const struct store *s)
{
    return s->in_tx;
}

int store_op_claim(struct store *s, int64_t id, struct kwh_err *e)
{
    return s->be->claim(s, id, e);
}

void store_op_release(struct store *s, int64_t id)
{
    s->be->release(s, id);
}

/* A claim still held after this long: the writer is really at work on its card (a
 * write takes well under this), not a process that has just died and whose claim the
 * system is about to drop. */
#define CLAIM_WAIT_MS 2000
#define CLAIM_POLL_MS 50

int store_op_busy(struct store *s, int64_t id, bool *busy, struct kwh_err *e)
{
    for (int waited = 0;; waited += CLAIM_POLL_MS) {
        int rc = s->be->claimed(s, id, busy, e);
        if (rc < 0 || !*busy || waited >= CLAIM_WAIT_MS)
            return rc;
        nanosleep(&(struct timespec){0, CLAIM_POLL_MS * 1000000L}, NULL);
    }
}

int store_schema_version(struct store *s, int *version, struct kwh_err *e)
{
    return s->be->version_get(s, version, e);
}

void sql_col_text(sql_stmt *st, int col, char *buf, size_t n)
{
    if (n == 0)
        return;
    buf[0] = '\0';
    st->be->col_text(st, col, buf, n);
}

void sql_col_blob(sql_stmt *st, int col, void *buf, size_t n)
{
    memset(buf, 0xFF, n);
    st->be->col_blob(st, col, buf, n);
}

int sql_bind_failed(sql_stmt *st, struct kwh_err *e)
{
    const char *what = st->bind_error;
    st->bind_error = NULL;
    st->be->reset(st);
    if (what[0] == ':')
        return kwh_err_set(
            e, KWH_EDB, "internal error: a statement has no parameter %s; nothing was done", what);
    return kwh_err_set(e, KWH_ENOMEM, "out of memory; nothing was done");
}

int sql_done(struct store *s, sql_stmt *st, struct kwh_err *e)
{
    int rc = sql_row(s, st, e);
    if (rc < 0)
        return rc;
    if (rc == 1)
        sql_reset(st);
    return 0;
}

int sql_insert(struct store *s, sql_stmt *st, int64_t *id, struct kwh_err *e)
{
    int rc = sql_row(s, st, e);
    if (rc < 0)
        return rc;
    if (rc == 0)
        return kwh_err_set(e, KWH_EDB, "internal error: an insert returned no id");
    *id = sql_col_i64(st, 0);
    sql_reset(st);
    return 0;
}

int sql_collect(struct store *s, sql_stmt *st, size_t size, sql_reader rd, void **out, size_t *n,
                struct kwh_err *e)
{
    char *v = NULL;
    size_t cap = 0, used = 0;
    int rc;

    *out = NULL;
    *n = 0;
    while ((rc = sql_row(s, st, e)) == 1) {
        if (used == cap) {
            size_t ncap = cap ? cap * 2 : 16;
            char *nv = realloc(v, ncap * size);
            if (nv == NULL) {
                sql_reset(st);
                free(v);
                return kwh_err_set(e, KWH_ENOMEM, "out of memory");
            }
            v = nv;
            cap = ncap;
        }
        rd(st, v + used * size);
        used++;
    }
    if (rc < 0) {
        free(v);
        return rc;
    }
    *out = v;
    *n = used;
    return 0;
}

int sql_one(struct store *s, sql_stmt *st, sql_reader rd, void *row, const char *notfound,
            struct kwh_err *e)
{
    int rc = sql_row(s, st, e);
    if (rc < 0)
        return rc;
    if (rc == 0)
        return kwh_err_set(e, KWH_ENOTFOUND, "%s", notfound ? kwh_tr(notfound) : "");
    rd(st, row);
    sql_reset(st);
    return 0;
}

int sql_int(struct store *s, sql_stmt *st, int64_t def, int64_t *out, struct kwh_err *e)
{
    int rc = sql_row(s, st, e);
    if (rc < 0)
        return rc;
    *out = rc == 1 && !sql_col_null(st, 0) ? sql_col_i64(st, 0) : def;
    if (rc == 1)
        sql_reset(st);
    return 0;
}

int sql_flag(struct store *s, sql_stmt *st, bool *out, struct kwh_err *e)
{
    int64_t v;
    int rc = sql_int(s, st, 0, &v, e);

    if (rc == 0)
        *out = v != 0;
    return rc;
}

/* --- backup and restore: the backend of the database, or of the backup file ------------ */

int store_backup_to(struct store *s, const char *path, int64_t *bytes,
                    const volatile sig_atomic_t *stop, struct kwh_err *e)
{
    return s->be->backup_to(s, path, bytes, stop, e);
}

int store_integrity(struct store *s, bool *ok, char *msg, size_t n, struct kwh_err *e)
{
    return s->be->integrity(s, ok, msg, n, e);
}

int store_file_inspect(const char *path, struct store_file_info *out, struct kwh_err *e)
{
    if (sql_pg.is_backup(path))
        return sql_pg.inspect(path, out, e);
    return sql_lite.inspect(path, out, e);
}

int store_replace(const char *db_path, const char *new_path, const char *keep_path,
                  struct kwh_err *e)
{
    return sql_backend_for(db_path)->replace(db_path, new_path, keep_path, e);
}

int store_install(const char *target, const char *new_path, struct kwh_err *e)
{
    return sql_backend_for(target)->install(target, new_path, e);
}

int store_exists(const char *target, bool *exists, struct kwh_err *e)
{
    return sql_backend_for(target)->exists(target, exists, e);
}

void store_local_dir(const char *target, char *buf, size_t n)
{
    sql_backend_for(target)->local_dir(target, buf, n);
}
