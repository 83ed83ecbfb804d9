/* SPDX-License-Identifier: Apache-2.0 */
/* The SQLite backend: the connection, pragmas, transactions, statements, errors. */
#define _GNU_SOURCE /* F_OFD_SETLK */
#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "kwhpos/util.h"
#include "store/lite.h"
#include "store/migrate.h"

#define BUSY_TIMEOUT_MS 5000
/* The database and its -wal, -shm and -claims files (SQLite gives the first two the
 * database's mode): read and written by the program's group only (see priv_raise). */
#define DB_MODE 0660

struct lite_stmt {
    struct sql_stmt base;
    sqlite3_stmt *st;
};

#define LST(x) (((struct lite_stmt *)(x))->st)

static sql_stmt *lite_prep(struct store *s0, const char *sql, struct kwh_err *e)
{
    struct lite *s = (struct lite *)s0;
    size_t i;
    int rc;

    for (i = 0; i < STORE_CACHE && s->cache[i].sql != NULL; i++) {
        if (s->cache[i].sql == sql) {
            sqlite3_reset(s->cache[i].st->st);
            sqlite3_clear_bindings(s->cache[i].st->st);
            s->cache[i].st->base.bind_error = NULL;
            return &s->cache[i].st->base;
        }
    }
    struct lite_stmt *ls = calloc(1, sizeof *ls);
    if (ls == NULL) {
        kwh_err_set(e, KWH_ENOMEM, "out of memory");
        return NULL;
    }
    ls->base.be = &sql_lite;
    ls->base.s = s0;
    rc = sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &ls->st, NULL);
    if (rc != SQLITE_OK) {
        free(ls);
        lite_error(s0, rc, e);
        return NULL;
    }
    if (i == STORE_CACHE) {
        /* the cache is full: evict the last entry (statements are few and static) */
        i = STORE_CACHE - 1;
        sqlite3_finalize(s->cache[i].st->st);
        free(s->cache[i].st);
    }
    s->cache[i].sql = sql;
    s->cache[i].st = ls;
    return &ls->base;
}

/* The index of parameter name; a name the statement does not have is remembered as the
 * statement's error (sql_row reports it) and binds nothing (index 0). */
static int index_of(sql_stmt *st, const char *name)
{
    int i = sqlite3_bind_parameter_index(LST(st), name);
    if (i == 0 && st->bind_error == NULL)
        st->bind_error = name;
    return i;
}

static void lite_i64(sql_stmt *st, const char *name, int64_t v)
{
    sqlite3_bind_int64(LST(st), index_of(st, name), v);
}

static void lite_text(sql_stmt *st, const char *name, const char *v)
{
    sqlite3_bind_text(LST(st), index_of(st, name), v, -1, SQLITE_TRANSIENT);
}

static void lite_blob(sql_stmt *st, const char *name, const void *v, int len)
{
    sqlite3_bind_blob(LST(st), index_of(st, name), v, len, SQLITE_TRANSIENT);
}

static void lite_null(sql_stmt *st, const char *name, enum sql_type type)
{
    (void)type;
    sqlite3_bind_null(LST(st), index_of(st, name));
}

int lite_error(struct store *s0, int rc, struct kwh_err *e)
{
    struct lite *s = (struct lite *)s0;
    int base = rc & 0xFF;
    const char *msg = s && s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc);
    /* what the system said: a write that finds the disk full is often only "disk I/O
       error" to SQLite */
    int sys = s && s->db ? sqlite3_system_errno(s->db) : 0;

    if ((base == SQLITE_IOERR || base == SQLITE_FULL || base == SQLITE_CANTOPEN) &&
        (sys == ENOSPC || sys == EDQUOT))
        return kwh_err_set(e, KWH_EDB,
                           "the disk is full (where %s is): free space there, then try "
                           "again (nothing was changed)",
                           s->base.path);
    if ((base == SQLITE_IOERR || base == SQLITE_READONLY || base == SQLITE_CANTOPEN) &&
        (sys == EROFS || (s != NULL && s->read_only_fs)))
        return kwh_err_set(e, KWH_EDB,
                           "%s is on a read-only file system: nothing was changed; only "
                           "commands that read without a login work there (settings show, "
                           "tariff list, pending list, audit verify, check, a backup to "
                           "another disk); a login is recorded in the database: for reports "
                           "and queries, back up to another disk and open the copy (--db)",
                           s->base.path);
    if ((base == SQLITE_CORRUPT || base == SQLITE_NOTADB) && s != NULL)
        s->base.damage_seen = true;
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

static int lite_step(sql_stmt *st, struct kwh_err *e)
{
    int rc = sqlite3_step(LST(st));
    if (rc == SQLITE_ROW)
        return 1;
    sqlite3_reset(LST(st));
    if (rc == SQLITE_DONE)
        return 0;
    return lite_error(st->s, rc, e);
}

static void lite_reset(sql_stmt *st)
{
    sqlite3_reset(LST(st));
}

static bool lite_col_null(sql_stmt *st, int col)
{
    return sqlite3_column_type(LST(st), col) == SQLITE_NULL;
}

static int64_t lite_col_i64(sql_stmt *st, int col)
{
    return sqlite3_column_int64(LST(st), col);
}

static size_t lite_col_text(sql_stmt *st, int col, char *buf, size_t n)
{
    const unsigned char *t = sqlite3_column_text(LST(st), col);
    str_copy(buf, n, t ? (const char *)t : "");
    return (size_t)sqlite3_column_bytes(LST(st), col);
}

static size_t lite_col_blob(sql_stmt *st, int col, void *buf, size_t n)
{
    const void *b = sqlite3_column_blob(LST(st), col);
    int len = sqlite3_column_bytes(LST(st), col);
    if (b != NULL && len > 0)
        memcpy(buf, b, (size_t)len < n ? (size_t)len : n);
    return (size_t)len;
}

static int lite_col_count(sql_stmt *st)
{
    return sqlite3_column_count(LST(st));
}

static const char *lite_col_name(sql_stmt *st, int col)
{
    return sqlite3_column_name(LST(st), col);
}

static enum sql_type lite_col_type(sql_stmt *st, int col)
{
    switch (sqlite3_column_type(LST(st), col)) {
    case SQLITE_INTEGER: return SQL_INT;
    case SQLITE_TEXT: return SQL_TEXT;
    case SQLITE_BLOB: return SQL_BLOB;
    default: return SQL_ANY;
    }
}

static int lite_ids_follow(struct store *s, const char *table, int64_t max_id, struct kwh_err *e)
{
    /* INTEGER PRIMARY KEY takes max(id) + 1 by itself */
    (void)s;
    (void)table;
    (void)max_id;
    (void)e;
    return 0;
}

static int64_t lite_changes(struct store *s)
{
    return sqlite3_changes(((struct lite *)s)->db);
}

int lite_exec(struct store *s, const char *script, struct kwh_err *e)
{
    char *err = NULL;
    int rc = sqlite3_exec(((struct lite *)s)->db, script, NULL, NULL, &err);
    if (rc != SQLITE_OK) {
        kwh_err_set(e, KWH_EDB, "database error: %s", err ? err : sqlite3_errstr(rc));
        sqlite3_free(err);
        return KWH_EDB;
    }
    return 0;
}

static int pragmas(struct lite *s, struct kwh_err *e)
{
    char mode[16] = "";
    sqlite3_stmt *st;
    int rc;

    sqlite3_busy_timeout(s->db, BUSY_TIMEOUT_MS);
    sqlite3_extended_result_codes(s->db, 1);
    rc = sqlite3_prepare_v2(s->db, "PRAGMA journal_mode=WAL", -1, &st, NULL);
    if (rc != SQLITE_OK)
        return lite_error(&s->base, rc, e);
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0) != NULL)
        snprintf(mode, sizeof mode, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    if (strcmp(mode, "wal") != 0) {
        return kwh_err_set(e, KWH_EDB,
                           "%s: cannot switch the database to WAL mode (is it on "
                           "a network file system?)",
                           s->base.label);
    }
    return lite_exec(&s->base,
                     "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; "
                     "PRAGMA temp_store=MEMORY; PRAGMA cache_size=-2000;",
                     e);
}

void lite_finish(struct lite *s)
{
    for (size_t i = 0; i < STORE_CACHE; i++) {
        if (s->cache[i].st) {
            sqlite3_finalize(s->cache[i].st->st);
            free(s->cache[i].st);
        }
    }
    if (s->db)
        sqlite3_close(s->db);
    if (s->claims >= 0)
        close(s->claims);
}

static void lite_close(struct store *s)
{
    priv_raise(); /* the last connection to close removes the -wal and -shm files */
    lite_finish((struct lite *)s);
    priv_lower();
    free(s);
}

/* A database on a read-only file system (a read-only mount, a backup disk, a rescue
 * system): opened read-only as immutable, since no other program can change it there
 * and SQLite could not create the -shm file WAL readers share. Everything that reads
 * works; a write is refused saying why (lite_error). Changes still in a -wal beside it
 * would be ignored that way: such a file is refused. */
static int open_read_only(struct lite *s, struct kwh_err *e)
{
    char wal[1100], uri[3200], *u = uri;
    struct stat sb;
    int rc;

    snprintf(wal, sizeof wal, "%s-wal", s->base.path);
    if (stat(wal, &sb) == 0 && sb.st_size > 0)
        return kwh_err_set(e, KWH_EDB,
                           "%s is on a read-only file system with changes not yet merged "
                           "into it (%s): mount it read-write to open it",
                           s->base.path, wal);
    u += snprintf(uri, sizeof uri, "file:");
    for (const char *p = s->base.path; *p && u < uri + sizeof uri - 20; p++) {
        if (*p == '?' || *p == '#' || *p == '%')
            u += snprintf(u, 4, "%%%02X", (unsigned char)*p);
        else
            *u++ = *p;
    }
    snprintf(u, (size_t)(uri + sizeof uri - u), "?immutable=1");
    rc = sqlite3_open_v2(uri, &s->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX,
                         NULL);
    if (rc != SQLITE_OK)
        return kwh_err_set(e, KWH_EDB, "cannot open the database %s: %s", s->base.path,
                           s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
    s->read_only_fs = true;
    sqlite3_extended_result_codes(s->db, 1);
    if ((rc = migrate_identify(&s->base, e)) < 0 || (rc = migrate_none_needed(&s->base, e)) < 0)
        return rc;
    return lite_exec(&s->base, "PRAGMA foreign_keys=ON; PRAGMA cache_size=-2000;", e);
}

static int open_db(struct store **out, const char *path, bool create, struct kwh_err *e)
{
    struct lite *s;
    struct stat sb;
    struct statvfs vfs;
    int rc, flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;

    *out = NULL;
    if (create) {
        if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
            return kwh_err_set(e, KWH_EINVAL,
                               "%s is a directory: give the new database's file name, e.g. "
                               "%s/site.db",
                               path, path);
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
    s->base.be = &sql_lite;
    s->claims = -1;
    str_copy(s->base.path, sizeof s->base.path, path);
    str_copy(s->base.label, sizeof s->base.label, path);
    if (!create && statvfs(path, &vfs) == 0 && (vfs.f_flag & ST_RDONLY)) {
        if ((rc = open_read_only(s, e)) < 0) {
            lite_finish(s);
            free(s);
            return rc;
        }
        *out = &s->base;
        return 0;
    }
    rc = sqlite3_open_v2(path, &s->db, flags, NULL);
    if (rc != SQLITE_OK) {
        kwh_err_set(e, KWH_EDB, "cannot open the database %s: %s", path,
                    s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
        lite_finish(s);
        free(s);
        return KWH_EDB;
    }
    if (create && chmod(path, DB_MODE) != 0) {
        kwh_err_set(e, KWH_EIO, "cannot set the mode of %s: %s", path, strerror(errno));
        lite_finish(s);
        free(s);
        unlink(path);
        return KWH_EIO;
    }
    /* identify before pragmas: switching to WAL would rewrite another program's file */
    sqlite3_busy_timeout(s->db, BUSY_TIMEOUT_MS);
    sqlite3_extended_result_codes(s->db, 1);
    if ((!create && migrate_identify(&s->base, e) < 0) || pragmas(s, e) < 0 ||
        migrate_run(&s->base, create, e) < 0) {
        int code = e ? e->code : KWH_EDB;
        lite_finish(s);
        free(s);
        if (create)
            unlink(path);
        return code;
    }
    *out = &s->base;
    return 0;
}

static int lite_open(struct store **out, const char *path, bool create, struct kwh_err *e)
{
    int rc;

    priv_raise();
    rc = open_db(out, path, create, e);
    priv_lower();
    return rc;
}

static int lite_begin(struct store *s, struct kwh_err *e)
{
    int rc = sqlite3_exec(((struct lite *)s)->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
    return rc != SQLITE_OK ? lite_error(s, rc, e) : 0;
}

static int lite_commit(struct store *s, struct kwh_err *e)
{
    int rc = sqlite3_exec(((struct lite *)s)->db, "COMMIT", NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        lite_error(s, rc, e);
        return KWH_EDB;
    }
    return 0;
}

static void lite_rollback(struct store *s)
{
    sqlite3 *db = ((struct lite *)s)->db;
    if (!sqlite3_get_autocommit(db))
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
}

/* --- claims on card writes: open-file-description locks, one byte per op, on DB-claims
 * (beside the database; dropped by the kernel when the process dies) ------------------ */

static int claims_fd(struct lite *s, struct kwh_err *e)
{
    char path[1100];
    if (s->claims >= 0)
        return s->claims;
    snprintf(path, sizeof path, "%s-claims", s->base.path);
    /* as the database's -wal and -shm: the program's group, every terminal's */
    priv_raise();
    s->claims = open(path, O_RDWR | O_CREAT | O_CLOEXEC, DB_MODE);
    priv_lower();
    if (s->claims < 0)
        return kwh_err_set(e, KWH_EIO, "cannot open %s: %s", path, strerror(errno));
    return s->claims;
}

static int claim_lock(struct lite *s, int cmd, short type, int64_t op_id, struct flock *fl,
                      struct kwh_err *e)
{
    int fd = claims_fd(s, e);
    if (fd < 0)
        return fd;
    memset(fl, 0, sizeof *fl);
    fl->l_type = type;
    fl->l_whence = SEEK_SET;
    fl->l_start = (off_t)op_id;
    fl->l_len = 1;
    if (fcntl(fd, cmd, fl) != 0)
        return kwh_err_set(e, KWH_EIO, "cannot lock %s-claims: %s", s->base.path, strerror(errno));
    return 0;
}

static int lite_claim(struct store *s, int64_t op_id, struct kwh_err *e)
{
    struct flock fl;
    return claim_lock((struct lite *)s, F_OFD_SETLK, F_WRLCK, op_id, &fl, e);
}

static void lite_release(struct store *s, int64_t op_id)
{
    struct flock fl;
    claim_lock((struct lite *)s, F_OFD_SETLK, F_UNLCK, op_id, &fl, NULL);
}

static int lite_claimed(struct store *s, int64_t op_id, bool *busy, struct kwh_err *e)
{
    struct flock fl;
    int rc = claim_lock((struct lite *)s, F_OFD_GETLK, F_WRLCK, op_id, &fl, e);
    if (rc < 0)
        return rc;
    *busy = fl.l_type != F_UNLCK;
    return 0;
}

static int lite_version_get(struct store *s, int *version, struct kwh_err *e)
{
    sql_stmt *st = lite_prep(s, "PRAGMA user_version", e);
    int64_t v;
    int rc;
    if (st == NULL)
        return KWH_EDB;
    if ((rc = sql_int(s, st, 0, &v, e)) < 0)
        return rc;
    *version = (int)v;
    return 0;
}

static int lite_version_set(struct store *s, int version, struct kwh_err *e)
{
    char pragma[64];
    snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", version);
    return lite_exec(s, pragma, e);
}

static int lite_objects(struct store *s, int64_t *objects, int64_t *kwh_tables, struct kwh_err *e)
{
    sql_stmt *st = lite_prep(s, "SELECT count(*) FROM sqlite_master", e);
    int rc;
    if (st == NULL)
        return KWH_EDB;
    if ((rc = sql_int(s, st, 0, objects, e)) < 0)
        return rc;
    st = lite_prep(s,
                   "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN "
                   "('settings', 'operators', 'customers', 'sales', 'card_ops', 'audit')",
                   e);
    if (st == NULL)
        return KWH_EDB;
    return sql_int(s, st, 0, kwh_tables, e);
}

static bool lite_claims(const char *target)
{
    (void)target;
    return true;
}

const struct sql_backend sql_lite = {
    .name = "SQLite",
    .dialect = SQL_SQLITE,
    .claims = lite_claims,
    .open = lite_open,
    .close = lite_close,
    .prep = lite_prep,
    .bind_i64 = lite_i64,
    .bind_text = lite_text,
    .bind_blob = lite_blob,
    .bind_null = lite_null,
    .step = lite_step,
    .reset = lite_reset,
    .col_null = lite_col_null,
    .col_i64 = lite_col_i64,
    .col_text = lite_col_text,
    .col_blob = lite_col_blob,
    .col_count = lite_col_count,
    .col_name = lite_col_name,
    .col_type = lite_col_type,
    .ids_follow = lite_ids_follow,
    .changes = lite_changes,
    .exec = lite_exec,
    .claim = lite_claim,
    .release = lite_release,
    .claimed = lite_claimed,
    .begin = lite_begin,
    .commit = lite_commit,
    .rollback = lite_rollback,
    .version_get = lite_version_get,
    .version_set = lite_version_set,
    .objects = lite_objects,
    .backup_to = lite_backup_to,
    .integrity = lite_integrity,
    .is_backup = lite_is_backup,
    .inspect = lite_inspect,
    .replace = lite_replace,
    .install = lite_install,
    .exists = lite_exists,
    .local_dir = lite_local_dir,
};
