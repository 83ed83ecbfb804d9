/* SPDX-License-Identifier: Apache-2.0 */
/* Backup and restore at the database level (M27, M28).
 *
 * A backup is SQLite's online backup in a single step: it reads one consistent
 * snapshot, and in WAL mode writers on other connections carry on meanwhile.
 *
 * A restore must not run while anyone has the database open. In WAL mode every open
 * connection holds a shared lock on the database file for as long as it is open (that is
 * how the last one to close knows it may remove the WAL), so a connection that takes
 * locking_mode=EXCLUSIVE and then BEGIN EXCLUSIVE succeeds only when it is alone; it
 * keeps the lock until it closes. The new content is then copied into the locked file
 * with the backup API in rollback-journal mode, which is atomic: a crash half-way
 * leaves a hot journal that puts the old content back. A terminal that tries to open the
 * database meanwhile waits for the lock and then sees the new content. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/store_query.h"
#include "kwhpos/util.h"
#include "store/lite.h"

#define LOCK_WAIT_MS 1000
#define BACKUP_MODE 0640 /* as the database (0660), without the group's write */
#define STEP_TRIES 50
#define STEP_PAGES 256 /* a copy that can be stopped looks at its flag every 1 MB or so */

static int db_error(sqlite3 *db, int rc, const char *what, struct kwh_err *e)
{
    int base = rc & 0xFF;
    /* a write that finds the disk full is often only "disk I/O error" to SQLite */
    int sys = db != NULL ? sqlite3_system_errno(db) : 0;
    if (base == SQLITE_FULL ||
        ((base == SQLITE_IOERR || base == SQLITE_CANTOPEN) && (sys == ENOSPC || sys == EDQUOT)))
        return kwh_err_set(e, KWH_EIO,
                           "%s: the disk is full: free space there or choose another folder, "
                           "then try again (the database itself is unchanged)",
                           what);
    if (base == SQLITE_NOTADB || base == SQLITE_CORRUPT)
        return kwh_err_set(e, KWH_EDB, "%s: the file is damaged or not a database", what);
    return kwh_err_set(e, KWH_EDB, "%s: %s", what, db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
}

/* The first value of a one-row statement as text (empty when none). */
static int first_text(sqlite3 *db, const char *sql, char *buf, size_t n)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
    buf[0] = '\0';
    if (rc != SQLITE_OK)
        return rc;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        const unsigned char *t = sqlite3_column_text(st, 0);
        str_copy(buf, n, t ? (const char *)t : "");
        rc = SQLITE_OK;
    } else if (rc == SQLITE_DONE) {
        rc = SQLITE_OK;
    }
    sqlite3_finalize(st);
    return rc;
}

static int first_i64(sqlite3 *db, const char *sql, int64_t *out)
{
    char buf[32];
    int rc = first_text(db, sql, buf, sizeof buf);
    *out = rc == SQLITE_OK ? strtoll(buf, NULL, 10) : 0;
    return rc;
}

static void fsync_path(const char *path, bool dir)
{
    char buf[1024];
    int fd;
    str_copy(buf, sizeof buf, path);
    fd = open(dir ? dirname(buf) : buf, (dir ? O_RDONLY | O_DIRECTORY : O_RDWR) | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

/* Syncs db's main file through SQLite's own handle on it, its VFS: what sits under SQLite
 * (the tests' power-cut VFS, tests/support/crashvfs.c) sees the sync, and a failed sync
 * is an error rather than a backup that may not be on the disk. */
static int sync_file(sqlite3 *db)
{
    sqlite3_file *f = NULL;
    int rc = sqlite3_file_control(db, "main", SQLITE_FCNTL_FILE_POINTER, &f);
    if (rc != SQLITE_OK)
        return rc;
    if (f == NULL || f->pMethods == NULL)
        return SQLITE_IOERR_FSYNC;
    return f->pMethods->xSync(f, SQLITE_SYNC_FULL);
}

static void unlink_sidecars(const char *path)
{
    static const char *const suffixes[] = {"-wal", "-shm", "-journal"};
    char buf[1100];
    for (size_t i = 0; i < KWH_ARRAY_LEN(suffixes); i++) {
        snprintf(buf, sizeof buf, "%s%s", path, suffixes[i]);
        unlink(buf);
    }
}

static int stopped(const char *what, struct kwh_err *e)
{
    return kwh_err_set(e, KWH_EIO, "%s: stopped (the program was asked to end)", what);
}

/* The backup API from src into dst, retrying while the source is busy: one pass, or,
 * when stop is given, steps of STEP_PAGES with *stop looked at between them inside one
 * read transaction on src (so every step copies the same snapshot while writers on
 * other connections go on). */
static int copy_pages(sqlite3 *dst, sqlite3 *src, const char *what,
                      const volatile sig_atomic_t *stop, struct kwh_err *e)
{
    bool own_read = stop != NULL && sqlite3_get_autocommit(src);
    sqlite3_backup *b;
    int rc = SQLITE_OK, busy = 0;

    if (own_read && ((rc = sqlite3_exec(src, "BEGIN", NULL, NULL, NULL)) != SQLITE_OK ||
                     (rc = sqlite3_exec(src, "SELECT 1 FROM sqlite_master LIMIT 1", NULL, NULL,
                                        NULL)) != SQLITE_OK)) {
        sqlite3_exec(src, "ROLLBACK", NULL, NULL, NULL);
        return db_error(src, rc, what, e);
    }
    b = sqlite3_backup_init(dst, "main", src, "main");
    if (b == NULL) {
        rc = db_error(dst, sqlite3_errcode(dst), what, e);
        goto out;
    }
    for (;;) {
        if (stop != NULL && *stop) {
            sqlite3_backup_finish(b);
            rc = stopped(what, e);
            goto out;
        }
        rc = sqlite3_backup_step(b, stop != NULL ? STEP_PAGES : -1);
        if (rc == SQLITE_OK)
            continue;
        if ((rc != SQLITE_BUSY && rc != SQLITE_LOCKED) || ++busy == STEP_TRIES)
            break;
        sqlite3_sleep(100);
    }
    sqlite3_backup_finish(b);
    rc = rc == SQLITE_DONE ? 0 : db_error(dst, rc, what, e);
out:
    if (own_read)
        sqlite3_exec(src, "COMMIT", NULL, NULL, NULL);
    return rc;
}

static int progress_stop(void *arg)
{
    return *(const volatile sig_atomic_t *)arg != 0;
}

/* integrity_check's first complaint as one line, without its "*** in database main ***"
 * preamble. */
static int check_integrity(sqlite3 *db, bool *ok, char *msg, size_t n)
{
    static const char preamble[] = "*** in database main ***";
    char ignore[32];
    int rc;
    /* the check reads every index against its table: pages through a memory map cost no
       system call each (it is only a hint; SQLite may map less) */
    first_text(db, "PRAGMA mmap_size=2147418112", ignore, sizeof ignore);
    rc = first_text(db, "PRAGMA integrity_check", msg, n);
    first_text(db, "PRAGMA mmap_size=0", ignore, sizeof ignore);
    *ok = rc == SQLITE_OK && strcmp(msg, "ok") == 0;
    for (char *p = msg; *p; p++)
        if ((unsigned char)*p < 0x20)
            *p = ' ';
    if (strncmp(msg, preamble, sizeof preamble - 1) == 0)
        memmove(msg, msg + sizeof preamble, strlen(msg + sizeof preamble - 1));
    return rc;
}

/* Copies src to path: a temporary file of its own (PATH.XXXXXX.part, so two copies to
 * one name never share it), rollback-journal mode, integrity_check (when check), fsync,
 * then the name, only if no other file took it meanwhile. With stop, *stop set stops
 * the copy and its check at the next step and leaves nothing behind. */
static int copy_db(sqlite3 *src, const char *path, int64_t *bytes, bool check,
                   const volatile sig_atomic_t *stop, bool *damaged, struct kwh_err *e)
{
    char tmp[1100], msg[256], what[1200];
    sqlite3 *dst = NULL;
    struct stat sb;
    bool ok;
    int rc, fd;

    if (snprintf(tmp, sizeof tmp, "%s.XXXXXX.part", path) >= (int)sizeof tmp)
        return kwh_err_set(e, KWH_EINVAL, "%s: path too long", path);
    snprintf(what, sizeof what, kwh_tr("backing up to %s"), path);
    if (stat(path, &sb) == 0)
        return kwh_err_set(e, KWH_ECONFLICT, "%s already exists", path);
    fd = mkstemps(tmp, 5);
    if (fd < 0)
        return kwh_err_set(e, KWH_EIO, "cannot create %s: %s", tmp, strerror(errno));
    fchmod(fd, 0640); /* the site secret is in it: the owner and the group only */
    close(fd);
    rc = sqlite3_open_v2(tmp, &dst, SQLITE_OPEN_READWRITE, NULL);
    if (rc != SQLITE_OK) {
        kwh_err_set(e, KWH_EIO, "cannot create %s: %s", tmp,
                    dst ? sqlite3_errmsg(dst) : sqlite3_errstr(rc));
        goto fail;
    }
    /* SQLite creates it 0644: a backup holds the site key, the program's group reads it */
    if (chmod(tmp, BACKUP_MODE) != 0) {
        kwh_err_set(e, KWH_EIO, "cannot set the mode of %s: %s", tmp, strerror(errno));
        goto fail;
    }
    /* the copy is worthless until it is whole, checked and fsynced under its final name:
       no journal and no syncs of its own while it is written */
    if ((rc = sqlite3_exec(dst, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF", NULL, NULL,
                           NULL)) != SQLITE_OK) {
        db_error(dst, rc, what, e);
        goto fail;
    }
    if (copy_pages(dst, src, what, stop, e) < 0)
        goto fail;
    /* the copy is one self-contained file: no WAL beside it */
    if ((rc = first_text(dst, "PRAGMA journal_mode=DELETE", msg, sizeof msg)) != SQLITE_OK) {
        db_error(dst, rc, what, e);
        goto fail;
    }
    ok = true;
    if (stop != NULL)
        sqlite3_progress_handler(dst, 1000, progress_stop, (void *)stop);
    if (check && (rc = check_integrity(dst, &ok, msg, sizeof msg)) != SQLITE_OK) {
        if (stop != NULL && *stop)
            stopped(what, e);
        else
            db_error(dst, rc, what, e);
        goto fail;
    }
    if (!ok) {
        kwh_err_set(e, KWH_EDB,
                    "the copy in %s failed its integrity check (%s): the "
                    "database itself may be damaged; run `kwhpos check`",
                    tmp, msg);
        if (damaged != NULL)
            *damaged = true;
        goto fail;
    }
    /* on disk before it takes its name */
    if ((rc = sync_file(dst)) != SQLITE_OK) {
        kwh_err_set(e, KWH_EIO, "cannot write %s to the disk: %s", tmp, sqlite3_errstr(rc));
        goto fail;
    }
    rc = sqlite3_close(dst);
    dst = NULL;
    if (rc != SQLITE_OK) {
        kwh_err_set(e, KWH_EIO, "cannot finish %s: %s", tmp, sqlite3_errstr(rc));
        goto fail;
    }
    /* link, not rename: a backup another program finished under this name meanwhile
       stays */
    if (link(tmp, path) != 0) {
        if (errno == EEXIST)
            kwh_err_set(e, KWH_ECONFLICT, "%s already exists", path);
        else
            kwh_err_set(e, KWH_EIO, "cannot rename %s to %s: %s", tmp, path, strerror(errno));
        goto fail;
    }
    unlink(tmp);
    fsync_path(path, true);
    if (bytes != NULL)
        *bytes = stat(path, &sb) == 0 ? (int64_t)sb.st_size : 0;
    return 0;
fail:
    sqlite3_close(dst);
    unlink(tmp);
    unlink_sidecars(tmp);
    return e ? e->code : KWH_EIO;
}

int lite_backup_to(struct store *s, const char *path, int64_t *bytes,
                   const volatile sig_atomic_t *stop, struct kwh_err *e)
{
    int rc;

    priv_raise();
    rc = copy_db(((struct lite *)s)->db, path, bytes, true, stop, &s->damage_seen, e);
    priv_lower();
    return rc;
}

int lite_integrity(struct store *s, bool *ok, char *msg, size_t n, struct kwh_err *e)
{
    int rc = check_integrity(((struct lite *)s)->db, ok, msg, n);
    if (rc != SQLITE_OK)
        return lite_error(s, rc, e);
    return 0;
}

static int progress_atomic_stop(void *arg)
{
    return atomic_load((const atomic_int *)arg) != 0;
}

struct store_check {
    sqlite3 *db;
    char path[1024];
};

int store_check_open(const char *path, struct store_check **out, struct kwh_err *e)
{
    struct store_check *k = calloc(1, sizeof *k);
    char ignore[32];
    int rc;

    *out = NULL;
    if (k == NULL)
        return kwh_err_set(e, KWH_ENOMEM, "out of memory");
    if (sql_backend_for(path) != &sql_lite) {
        /* a server database: its own server keeps its pages whole (kwhpos check reads
           every table) */
        free(k);
        return 0;
    }
    str_copy(k->path, sizeof k->path, path);
    /* the files are opened here, with the program's group; the check then needs none */
    priv_raise();
    rc = sqlite3_open_v2(path, &k->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_busy_timeout(k->db, LOCK_WAIT_MS);
        /* a small cache: the check reads each page about once, and a terminal's memory
           stays as it was (docs/performance.md) */
        sqlite3_exec(k->db, "PRAGMA cache_size=64", NULL, NULL, NULL);
        rc = first_text(k->db, "SELECT count(*) FROM sqlite_master", ignore, sizeof ignore);
    }
    priv_lower();
    if (rc != SQLITE_OK && (rc & 0xFF) != SQLITE_CORRUPT && (rc & 0xFF) != SQLITE_NOTADB) {
        kwh_err_set(e, KWH_EDB, "cannot check %s: %s", path,
                    k->db ? sqlite3_errmsg(k->db) : sqlite3_errstr(rc));
        store_check_close(k);
        return KWH_EDB;
    }
    *out = k;
    return 0;
}

int store_check_run(struct store_check *k, bool full, const atomic_int *stop, bool *ok, char *msg,
                    size_t n, struct kwh_err *e)
{
    int rc;

    *ok = false;
    msg[0] = '\0';
    if (stop != NULL)
        sqlite3_progress_handler(k->db, 1000, progress_atomic_stop, (void *)stop);
    rc = first_text(k->db, full ? "PRAGMA integrity_check" : "PRAGMA quick_check", msg, n);
    sqlite3_progress_handler(k->db, 0, NULL, NULL);
    if (stop != NULL && atomic_load(stop)) {
        rc = SQLITE_OK; /* stopped: nothing known */
        *ok = true;
    } else if (rc == SQLITE_OK) {
        *ok = strcmp(msg, "ok") == 0;
    } else if ((rc & 0xFF) == SQLITE_CORRUPT || (rc & 0xFF) == SQLITE_NOTADB) {
        /* damage can stop the check itself */
        str_copy(msg, n, sqlite3_errmsg(k->db));
        rc = SQLITE_OK;
    } else {
        rc = kwh_err_set(e, KWH_EDB, "cannot check %s: %s", k->path, sqlite3_errmsg(k->db));
    }
    for (char *p = msg; *p; p++)
        if ((unsigned char)*p < 0x20)
            *p = ' ';
    if (strncmp(msg, "*** in database main *** ", 25) == 0)
        memmove(msg, msg + 25, strlen(msg + 25) + 1);
    return rc == SQLITE_OK ? 0 : rc;
}

void store_check_close(struct store_check *k)
{
    if (k == NULL)
        return;
    priv_raise();
    sqlite3_close(k->db);
    priv_lower();
    free(k);
}

bool lite_is_backup(const char *file)
{
    static const char magic[16] = "SQLite format 3";
    char head[16];
    int fd = file_open_regular(file, NULL); /* never waits on a named pipe */
    bool yes = fd >= 0 && read(fd, head, sizeof head) == (ssize_t)sizeof head &&
               memcmp(head, magic, sizeof head) == 0;
    if (fd >= 0)
        close(fd);
    return yes;
}

static int inspect_file(const char *path, struct store_file_info *out, struct kwh_err *e);

int lite_inspect(const char *path, struct store_file_info *out, struct kwh_err *e)
{
    int rc;

    priv_raise();
    rc = inspect_file(path, out, e);
    priv_lower();
    return rc;
}

static int inspect_file(const char *path, struct store_file_info *out, struct kwh_err *e)
{
    struct lite st = {.base.be = &sql_lite, .claims = -1};
    char mode[32];
    int64_t tables;
    int rc;

    memset(out, 0, sizeof *out);
    rc = sqlite3_open_v2(path, &st.db, SQLITE_OPEN_READWRITE, NULL);
    if (rc != SQLITE_OK) {
        kwh_err_set(e, KWH_EIO, "cannot open %s: %s", path,
                    st.db ? sqlite3_errmsg(st.db) : sqlite3_errstr(rc));
        sqlite3_close(st.db);
        return KWH_EIO;
    }
    str_copy(st.base.path, sizeof st.base.path, path);
    str_copy(st.base.label, sizeof st.base.label, path);
    sqlite3_busy_timeout(st.db, LOCK_WAIT_MS);
    rc = first_i64(st.db, "SELECT count(*) FROM sqlite_master", &tables);
    if ((rc & 0xFF) == SQLITE_NOTADB || (rc & 0xFF) == SQLITE_CORRUPT) {
        rc = 0; /* not an SQLite database at all: the caller says so */
        goto out;
    }
    if (rc != SQLITE_OK) {
        rc = db_error(st.db, rc, path, e);
        goto out;
    }
    out->sqlite = true;
    /* a copy of a live database may be in WAL mode: make it one self-contained file */
    if ((rc = first_text(st.db, "PRAGMA journal_mode=DELETE", mode, sizeof mode)) != SQLITE_OK) {
        rc = db_error(st.db, rc, path, e);
        goto out;
    }
    if ((rc = check_integrity(st.db, &out->intact, out->integrity, sizeof out->integrity)) !=
        SQLITE_OK) {
        /* damage can stop the check itself */
        str_copy(out->integrity, sizeof out->integrity, sqlite3_errmsg(st.db));
        out->intact = false;
        rc = 0;
        goto out;
    }
    if (!out->intact) {
        rc = 0;
        goto out;
    }
    {
        int64_t v = 0, kw = 0;
        first_i64(st.db, "PRAGMA user_version", &v);
        out->version = (int)v;
        first_i64(st.db,
                  "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN "
                  "('settings', 'operators', 'customers', 'sales', 'card_ops', 'audit')",
                  &kw);
        if (kw == 6 && v >= 1 && store_secret_get(&st.base, out->secret, NULL) == 0) {
            out->kwhpos = true;
            first_i64(st.db, "SELECT count(*) FROM customers WHERE status IN (1, 2)",
                      &out->accounts);
            first_i64(st.db, "SELECT coalesce(max(created), 0) FROM sales", &out->last_sale);
        }
    }
    rc = 0;
out:
    lite_finish(&st);
    return rc;
}

/* Takes the database for itself, or says who is in the way. */
static int lock_alone(sqlite3 *x, const char *db_path, struct kwh_err *e)
{
    char mode[32];
    int rc;

    sqlite3_busy_timeout(x, LOCK_WAIT_MS);
    if ((rc = first_text(x, "PRAGMA locking_mode=EXCLUSIVE", mode, sizeof mode)) != SQLITE_OK)
        return db_error(x, rc, db_path, e);
    rc = sqlite3_exec(x, "BEGIN EXCLUSIVE; COMMIT", NULL, NULL, NULL);
    if ((rc & 0xFF) == SQLITE_BUSY || (rc & 0xFF) == SQLITE_LOCKED)
        return kwh_err_set(e, KWH_ECONFLICT,
                           "%s is open in another terminal or program "
                           "(kwhpos, a backup, sqlite3): close every other kwhpos first, then "
                           "restore",
                           db_path);
    if (rc != SQLITE_OK)
        return db_error(x, rc, db_path, e);
    return 0;
}

static int replace_db(const char *db_path, const char *new_path, const char *keep_path,
                      struct kwh_err *e);

int lite_replace(const char *db_path, const char *new_path, const char *keep_path,
                 struct kwh_err *e)
{
    int rc;

    priv_raise();
    rc = replace_db(db_path, new_path, keep_path, e);
    priv_lower();
    return rc;
}

static int replace_db(const char *db_path, const char *new_path, const char *keep_path,
                      struct kwh_err *e)
{
    sqlite3 *x = NULL, *n = NULL;
    char buf[256];
    bool ok;
    int rc;

    rc = sqlite3_open_v2(db_path, &x, SQLITE_OPEN_READWRITE, NULL);
    if (rc != SQLITE_OK) {
        kwh_err_set(e, KWH_EDB, "cannot open %s: %s", db_path,
                    x ? sqlite3_errmsg(x) : sqlite3_errstr(rc));
        goto out;
    }
    if ((rc = lock_alone(x, db_path, e)) < 0)
        goto out;
    /* everything into the main file, so the copy kept and the switch see all of it */
    if ((rc = first_text(x, "PRAGMA wal_checkpoint(TRUNCATE)", buf, sizeof buf)) != SQLITE_OK) {
        rc = db_error(x, rc, db_path, e);
        goto out;
    }
    /* the database as it was, damaged or not: it may be the reason for the restore */
    if (keep_path != NULL && (rc = copy_db(x, keep_path, NULL, false, NULL, NULL, e)) < 0) {
        kwh_err_prefix(e, "keeping the current database before the restore");
        goto out;
    }
    if ((rc = first_text(x, "PRAGMA journal_mode=DELETE", buf, sizeof buf)) != SQLITE_OK ||
        strcmp(buf, "delete") != 0) {
        rc = rc != SQLITE_OK
                 ? db_error(x, rc, db_path, e)
                 : kwh_err_set(e, KWH_EDB, "%s: cannot leave WAL mode (%s)", db_path, buf);
        goto out;
    }
    unlink_sidecars(db_path);
    if ((rc = sqlite3_exec(x, "PRAGMA synchronous=FULL", NULL, NULL, NULL)) != SQLITE_OK) {
        rc = db_error(x, rc, db_path, e);
        goto out;
    }
    rc = sqlite3_open_v2(new_path, &n, SQLITE_OPEN_READONLY, NULL);
    if (rc != SQLITE_OK) {
        rc = kwh_err_set(e, KWH_EIO, "cannot open %s: %s", new_path,
                         n ? sqlite3_errmsg(n) : sqlite3_errstr(rc));
        goto out;
    }
    if ((rc = copy_pages(x, n, kwh_tr("restoring the backup"), NULL, e)) < 0)
        goto out;
    rc = first_text(x, "PRAGMA quick_check", buf, sizeof buf);
    ok = rc == SQLITE_OK && strcmp(buf, "ok") == 0;
    if (!ok) {
        rc = kwh_err_set(e, KWH_EDB,
                         "%s failed its check after the restore (%s): restore "
                         "the copy kept before it",
                         db_path, buf);
        goto out;
    }
    /* back to WAL as kwhpos runs it; this also removes the rollback journal */
    first_text(x, "PRAGMA journal_mode=WAL", buf, sizeof buf);
    rc = 0;
out:
    sqlite3_close(n);
    if (sqlite3_close(x) != SQLITE_OK && rc == 0)
        rc = kwh_err_set(e, KWH_EDB, "%s: the database did not close cleanly", db_path);
    fsync_path(db_path, true);
    return rc;
}

int lite_install(const char *db_path, const char *new_path, struct kwh_err *e)
{
    static const char *const sidecars[] = {"-wal", "-shm", "-journal"};
    char path[1100];
    struct stat sb;

    if (stat(db_path, &sb) == 0)
        return kwh_err_set(e, KWH_ECONFLICT,
                           "a database exists at %s: restore onto it as an "
                           "administrator, or move it away first if it is damaged",
                           db_path);
    for (size_t i = 0; i < KWH_ARRAY_LEN(sidecars); i++) {
        snprintf(path, sizeof path, "%s%s", db_path, sidecars[i]);
        if (stat(path, &sb) == 0)
            return kwh_err_set(e, KWH_ECONFLICT,
                               "%s is left from an earlier database: move it "
                               "away together with that database, then restore",
                               path);
    }
    /* the mode of a database made by kwhpos init (the private copy was 0600) */
    if (chmod(new_path, 0660) != 0)
        return kwh_err_set(e, KWH_EIO, "cannot set the mode of %s: %s", new_path, strerror(errno));
    if (rename(new_path, db_path) != 0)
        return kwh_err_set(e, KWH_EIO, "cannot put the backup at %s: %s", db_path, strerror(errno));
    fsync_path(db_path, true);
    return 0;
}

int lite_exists(const char *db_path, bool *exists, struct kwh_err *e)
{
    struct stat sb;
    (void)e;
    *exists = stat(db_path, &sb) == 0 || errno != ENOENT;
    return 0;
}

void lite_local_dir(const char *db_path, char *buf, size_t n)
{
    char tmp[1024];
    str_copy(tmp, sizeof tmp, db_path);
    str_copy(buf, n, dirname(tmp));
}
