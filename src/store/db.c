/* SPDX-License-Identifier: Apache-2.0 */
/* The connection: open, pragmas, transactions, statements, errors. */
#include "store/sql.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kwhpos/util.h"
#include "store/migrate.h"

#define BUSY_TIMEOUT_MS 5000

sqlite3_stmt *sql_prep(struct store *s, const char *sql, struct kwh_err *e)
{
    size_t i;
    int rc;

    for (i = 0; i < STORE_CACHE && s->cache[i].sql != NULL; i++) {
        if (s->cache[i].sql == sql) {
            sqlite3_reset(s->cache[i].st);
            sqlite3_clear_bindings(s->cache[i].st);
            return s->cache[i].st;
        }
    }
    sqlite3_stmt *st = NULL;
    rc = sqlite3_prepare_v3(s->db, sql, -1, i < STORE_CACHE ? SQLITE_PREPARE_PERSISTENT : 0, &st,
                            NULL);
    if (rc != SQLITE_OK) {
        sql_error(s, rc, e);
        return NULL;
    }
    if (i < STORE_CACHE) {
        s->cache[i].sql = sql;
        s->cache[i].st = st;
    } else {
        /* the cache is full: evict the last entry (statements are few and static) */
        sqlite3_finalize(s->cache[STORE_CACHE - 1].st);
        s->cache[STORE_CACHE - 1].sql = sql;
        s->cache[STORE_CACHE - 1].st = st;
    }
    return st;
}

static int index_of(sqlite3_stmt *st, const char *name)
{
    int i = sqlite3_bind_parameter_index(st, name);
    if (i == 0) {
        fprintf(stderr, "kwhpos: internal error: no parameter %s in %s\n", name, sqlite3_sql(st));
        abort();
    }
    return i;
}

void sql_i64(sqlite3_stmt *st, const char *name, int64_t v)
{
    sqlite3_bind_int64(st, index_of(st, name), v);
}

void sql_text(sqlite3_stmt *st, const char *name, const char *v)
{
    sqlite3_bind_text(st, index_of(st, name), v, -1, SQLITE_TRANSIENT);
}

void sql_blob(sqlite3_stmt *st, const char *name, const void *v, int len)
{
    sqlite3_bind_blob(st, index_of(st, name), v, len, SQLITE_TRANSIENT);
}

void sql_null(sqlite3_stmt *st, const char *name)
{
    sqlite3_bind_null(st, index_of(st, name));
}

int sql_error(struct store *s, int rc, struct kwh_err *e)
{
    int base = rc & 0xFF;
    const char *msg = s && s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc);

    if (base == SQLITE_BUSY || base == SQLITE_LOCKED)
        return kwh_err_set(e, KWH_EDB,
                           "the database is busy (another terminal is writing); "
                           "try again in a moment");
    if (base == SQLITE_CONSTRAINT)
        return kwh_err_set(e, KWH_ECONFLICT, "refused by the database: %s", msg);
    if (base == SQLITE_FULL)
        return kwh_err_set(e, KWH_EDB, "the disk is full: free space, then try again");
    if (base == SQLITE_READONLY)
        return kwh_err_set(e, KWH_EDB, "the database is read-only: check its permissions");
    if (base == SQLITE_CORRUPT || base == SQLITE_NOTADB)
        return kwh_err_set(e, KWH_EDB,
                           "the database file is damaged or not a kwhpos "
                           "database: restore a backup");
    return kwh_err_set(e, KWH_EDB, "database error: %s", msg);
}

int sql_done(struct store *s, sqlite3_stmt *st, struct kwh_err *e)
{
    int rc = sqlite3_step(st);
    if (rc == SQLITE_DONE || rc == SQLITE_ROW) {
        sqlite3_reset(st);
        return 0;
    }
    sqlite3_reset(st);
    return sql_error(s, rc, e);
}

int sql_row(struct store *s, sqlite3_stmt *st, struct kwh_err *e)
{
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        return 1;
    sqlite3_reset(st);
    if (rc == SQLITE_DONE)
        return 0;
    return sql_error(s, rc, e);
}

void sql_col_text(sqlite3_stmt *st, int col, char *buf, size_t n)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    str_copy(buf, n, t ? (const char *)t : "");
}

void sql_col_blob(sqlite3_stmt *st, int col, void *buf, size_t n)
{
    const void *b = sqlite3_column_blob(st, col);
    int len = sqlite3_column_bytes(st, col);
    memset(buf, 0xFF, n);
    if (b != NULL && len > 0)
        memcpy(buf, b, (size_t)len < n ? (size_t)len : n);
}

int sql_collect(struct store *s, sqlite3_stmt *st, size_t size, sql_reader rd, void **out,
                size_t *n, struct kwh_err *e)
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
                sqlite3_reset(st);
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

int sql_one(struct store *s, sqlite3_stmt *st, sql_reader rd, void *row, const char *notfound,
            struct kwh_err *e)
{
    int rc = sql_row(s, st, e);
    if (rc < 0)
        return rc;
    if (rc == 0)
        return kwh_err_set(e, KWH_ENOTFOUND, "%s", notfound ? kwh_tr(notfound) : "");
    rd(st, row);
    sqlite3_reset(st);
    return 0;
}

int sql_int(struct store *s, sqlite3_stmt *st, int64_t def, int64_t *out, struct kwh_err *e)
{
    int rc = sql_row(s, st, e);
    if (rc < 0)
        return rc;
    *out = rc == 1 && sqlite3_column_type(st, 0) != SQLITE_NULL ? sqlite3_column_int64(st, 0) : def;
    sqlite3_reset(st);
    return 0;
}

int sql_exec(struct store *s, const char *script, struct kwh_err *e)
{
    char *err = NULL;
    int rc = sqlite3_exec(s->db, script, NULL, NULL, &err);
    if (rc != SQLITE_OK) {
        kwh_err_set(e, KWH_EDB, "database error: %s", err ? err : sqlite3_errstr(rc));
        sqlite3_free(err);
        return KWH_EDB;
    }
    return 0;
}

static int pragmas(struct store *s, struct kwh_err *e)
{
    char mode[16] = "";
    sqlite3_stmt *st;
    int rc;

    sqlite3_busy_timeout(s->db, BUSY_TIMEOUT_MS);
    sqlite3_extended_result_codes(s->db, 1);
    rc = sqlite3_prepare_v2(s->db, "PRAGMA journal_mode=WAL", -1, &st, NULL);
    if (rc != SQLITE_OK)
        return sql_error(s, rc, e);
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0) != NULL)
        snprintf(mode, sizeof mode, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    if (strcmp(mode, "wal") != 0) {
        return kwh_err_set(e, KWH_EDB,
                           "%s: cannot switch the database to WAL mode (is it on "
                           "a network file system?)",
                           s->path);
    }
    return sql_exec(s,
                    "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; "
                    "PRAGMA temp_store=MEMORY; PRAGMA cache_size=-2000;",
                    e);
}

/* The database and its -wal and -shm files (SQLite gives them the database's mode):
 * read and written by the program's group only (see priv_raise). */
#define DB_MODE 0660

static int open_db(struct store **out, const char *path, bool create, struct kwh_err *e)
{
    struct store *s;
    struct stat sb;
    int rc, flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;

    *out = NULL;
    if (create) {
        if (stat(path, &sb) == 0)
            return kwh_err_set(e, KWH_ECONFLICT,
                               "%s already exists: a site is initialised "
                               "once (use another path, or restore a backup)",
                               path);
        flags |= SQLITE_OPEN_CREATE;
    } else if (stat(path, &sb) != 0) {
        return kwh_err_set(e, KWH_ENOTFOUND,
                           "no database at %s: create one with "
                           "`kwhpos init`, or fix [database] path in the INI",
                           path);
    } else if (S_ISDIR(sb.st_mode)) {
        return kwh_err_set(e, KWH_EINVAL,
                           "%s is a directory, not a database file: give the "
                           "site's database file",
                           path);
    } else if (!S_ISREG(sb.st_mode)) {
        return kwh_err_set(e, KWH_EINVAL, "%s is not a regular file, not a kwhpos database", path);
    } else if ((rc = file_private_check(path, kwh_tr(KWH_N("the database")), e)) < 0) {
        /* before SQLite opens it: a read-only connection would leave -wal and -shm files
           with this mode behind */
        return rc;
    }
    s = calloc(1, sizeof *s);
    if (s == NULL)
        return kwh_err_set(e, KWH_ENOMEM, "out of memory");
    str_copy(s->path, sizeof s->path, path);
    rc = sqlite3_open_v2(path, &s->db, flags, NULL);
    if (rc != SQLITE_OK) {
        kwh_err_set(e, KWH_EDB, "cannot open the database %s: %s", path,
                    s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
        store_close(s);
        return KWH_EDB;
    }
    if (create && chmod(path, DB_MODE) != 0) {
        kwh_err_set(e, KWH_EIO, "cannot set the mode of %s: %s", path, strerror(errno));
        store_close(s);
        unlink(path);
        return KWH_EIO;
    }
    /* identify before pragmas: switching to WAL would rewrite another program's file */
    sqlite3_busy_timeout(s->db, BUSY_TIMEOUT_MS);
    sqlite3_extended_result_codes(s->db, 1);
    if ((!create && migrate_identify(s, e) < 0) || pragmas(s, e) < 0 ||
        migrate_run(s, create, e) < 0) {
        int code = e ? e->code : KWH_EDB;
        store_close(s);
        if (create)
            unlink(path);
        return code;
    }
    *out = s;
    return 0;
}

static void close_db(struct store *s);

int store_open(struct store **out, const char *path, bool create, struct kwh_err *e)
{
    int rc;

    priv_raise();
    rc = open_db(out, path, create, e);
    priv_lower();
    return rc;
}

void store_close(struct store *s)
{
    if (s == NULL)
        return;
    priv_raise(); /* the last connection to close removes the -wal and -shm files */
    close_db(s);
    priv_lower();
}

static void close_db(struct store *s)
{
    for (size_t i = 0; i < STORE_CACHE; i++)
        if (s->cache[i].st)
            sqlite3_finalize(s->cache[i].st);
    if (s->db)
        sqlite3_close(s->db);
    free(s);
}

const char *store_path(const struct store *s)
{
    return s->path;
}

int store_begin(struct store *s, struct kwh_err *e)
{
    int rc;
    if (s->in_tx)
        return kwh_err_set(e, KWH_EDB, "internal error: nested transaction");
    rc = sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
    if (rc != SQLITE_OK)
        return sql_error(s, rc, e);
    s->in_tx = true;
    return 0;
}

int store_commit(struct store *s, struct kwh_err *e)
{
    int rc = sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        sql_error(s, rc, e);
        store_rollback(s);
        return KWH_EDB;
    }
    s->in_tx = false;
    return 0;
}

void store_rollback(struct store *s)
{
    if (s == NULL || !s->in_tx)
        return;
    if (!sqlite3_get_autocommit(s->db))
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    s->in_tx = false;
}

bool store_in_tx(const struct store *s)
{
    return s->in_tx;
}

int store_schema_version(struct store *s, int *version, struct kwh_err *e)
{
    sqlite3_stmt *st = sql_prep(s, "PRAGMA user_version", e);
    int64_t v;
    int rc;
    if (st == NULL)
        return KWH_EDB;
    if ((rc = sql_int(s, st, 0, &v, e)) < 0)
        return rc;
    *version = (int)v;
    return 0;
}

int sql_flag(struct store *s, sqlite3_stmt *st, bool *out, struct kwh_err *e)
{
    int64_t v;
    int rc = sql_int(s, st, 0, &v, e);

    if (rc == 0)
        *out = v != 0;
    return rc;
}
