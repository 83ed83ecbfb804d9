/* SPDX-License-Identifier: Apache-2.0 */
/* M27 数据备份 and M28 数据恢复: named, checked, rotated backups; restores that refuse
 * what is not this site's database and keep the current one first. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/internal.h"
#include "kwhpos/data.h"
#include "store/store_query.h"
#include "kwhpos/util.h"
#include "store/store.h"

#define NAME_LEN 22 /* "kwhpos-YYYYMMDD-HHMMSS" */
#define PRE_RESTORE "-prerestore"

/* The time written in a backup's name ("kwhpos-YYYYMMDD-HHMMSS[-N].db"), or -1 when
 * name is not a rotated backup's (pre-restore copies are kept out of the rotation). */
static int64_t backup_name_time(const char *name)
{
    struct tm tm = {0};
    size_t len = strlen(name);
    const char *rest = name + NAME_LEN;
    time_t t;

    if (len < NAME_LEN + 3 || strncmp(name, "kwhpos-", 7) != 0 || name[15] != '-' ||
        strcmp(name + len - 3, ".db") != 0)
        return -1;
    for (int i = 7; i < NAME_LEN; i++)
        if (i != 15 && (name[i] < '0' || name[i] > '9'))
            return -1;
    if (rest != name + len - 3) {
        /* a same-second suffix: -N */
        if (*rest != '-' || rest + 1 == name + len - 3)
            return -1;
        for (const char *p = rest + 1; p < name + len - 3; p++)
            if (*p < '0' || *p > '9')
                return -1;
    }
    if (sscanf(name + 7, "%4d%2d%2d-%2d%2d%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
               &tm.tm_min, &tm.tm_sec) != 6)
        return -1;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    tm.tm_isdst = -1;
    t = mktime(&tm);
    return t == (time_t)-1 ? -1 : (int64_t)t;
}

void backup_dir_for(const char *db_path, const struct kwh_backup_opts *o, char *buf, size_t n)
{
    char tmp[1024];
    if (o != NULL && o->dir != NULL && o->dir[0] != '\0') {
        str_copy(buf, n, o->dir);
        return;
    }
    store_local_dir(db_path, tmp, sizeof tmp);
    snprintf(buf, n, "%s/backups", tmp);
}

/* mkdir -p */
static int ensure_dir(const char *dir, struct kwh_err *e)
{
    char path[1024];
    struct stat sb;

    if (!str_copy(path, sizeof path, dir))
        return kwh_err_set(e, KWH_EINVAL, "%s: path too long", dir);
    for (char *p = path + 1;; p++) {
        if (*p != '/' && *p != '\0')
            continue;
        char saved = *p;
        *p = '\0';
        if (mkdir(path, 0770) == 0)
            chmod(path, 02770); /* the program's group, new files keep it (umask aside) */
        else if (errno != EEXIST)
            return kwh_err_set(e, KWH_EIO, "cannot create the backup folder %s: %s", path,
                               strerror(errno));
        *p = saved;
        if (saved == '\0')
            break;
    }
    if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode))
        return kwh_err_set(e, KWH_EIO, "%s is not a folder: set [backup] dir in the INI", dir);
    if (access(dir, W_OK) != 0 && !priv_active())
        return kwh_err_set(e, KWH_EIO, "cannot write in the backup folder %s: %s", dir,
                           strerror(errno));
    return priv_dir_check(dir, e);
}

/* DIR/kwhpos-YYYYMMDD-HHMMSS<suffix>.db, with -2, -3... when taken already. */
static int fresh_name(const char *dir, int64_t now, const char *suffix, char *buf, size_t n,
                      struct kwh_err *e)
{
    time_t tt = (time_t)now;
    struct tm tm;
    struct stat sb;

    localtime_r(&tt, &tm);
    for (int i = 1; i < 100; i++) {
        char extra[16] = "";
        int len;
        if (i > 1)
            snprintf(extra, sizeof extra, "-%d", i);
        len = snprintf(buf, n, "%s/kwhpos-%04d%02d%02d-%02d%02d%02d%s%s.db", dir, tm.tm_year + 1900,
                       tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, suffix, extra);
        if (len < 0 || (size_t)len >= n)
            return kwh_err_set(e, KWH_EINVAL, "%s: path too long", dir);
        if (stat(buf, &sb) != 0)
            return 0;
    }
    return kwh_err_set(e, KWH_ECONFLICT, "too many backups in the same second in %s", dir);
}

/* Newest first: by the time in the name, then by the same-second suffix. */
static int cmp_desc(const void *a, const void *b)
{
    const char *x = *(char *const *)a, *y = *(char *const *)b;
    int64_t tx = backup_name_time(x), ty = backup_name_time(y);
    long sx = x[NAME_LEN] == '-' ? strtol(x + NAME_LEN + 1, NULL, 10) : 1;
    long sy = y[NAME_LEN] == '-' ? strtol(y + NAME_LEN + 1, NULL, 10) : 1;
    if (tx != ty)
        return tx < ty ? 1 : -1;
    return sx < sy ? 1 : sx > sy ? -1 : 0;
}

/* The rotated backups in dir, newest first; *names caller-freed with their strings. */
static int list_backups(const char *dir, char ***names, size_t *n, struct kwh_err *e)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    size_t cap = 0;

    *names = NULL;
    *n = 0;
    if (d == NULL) {
        if (errno == ENOENT)
            return 0;
        return kwh_err_set(e, KWH_EIO, "cannot read the backup folder %s: %s", dir,
                           strerror(errno));
    }
    while ((de = readdir(d)) != NULL) {
        if (backup_name_time(de->d_name) < 0)
            continue;
        if (*n == cap) {
            size_t ncap = cap ? cap * 2 : 16;
            char **nn = realloc(*names, ncap * sizeof *nn);
            if (nn == NULL)
                break;
            *names = nn;
            cap = ncap;
        }
        if (((*names)[*n] = strdup(de->d_name)) == NULL)
            break;
        (*n)++;
    }
    closedir(d);
    if (de != NULL) {
        for (size_t i = 0; i < *n; i++)
            free((*names)[i]);
        free(*names);
        *names = NULL;
        *n = 0;
        return kwh_err_set(e, KWH_ENOMEM, "out of memory");
    }
    if (*n > 1)
        qsort(*names, *n, sizeof **names, cmp_desc);
    return 0;
}

static void free_names(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

static int prune(const char *dir, int keep, int *removed, struct kwh_err *e)
{
    char **names, path[1200];
    size_t n;
    int rc;

    *removed = 0;
    if (keep <= 0)
        return 0;
    if ((rc = list_backups(dir, &names, &n, e)) < 0)
        return rc;
    for (size_t i = (size_t)keep; i < n; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        if (unlink(path) == 0)
            (*removed)++;
    }
    free_names(names, n);
    return 0;
}

/* A backup's temporary copy ("kwhpos-YYYYMMDD-HHMMSS.db.XXXXXX.part") left behind by a
 * crash or a power cut in the middle of it, which nothing else removes: removed once it
 * has not changed for a day (a backup under way writes its copy far more often). */
#define PART_SUFFIX_LEN 12 /* ".XXXXXX.part" */
#define STALE_PART_SECONDS (24 * 3600)

static void remove_stale_parts(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    time_t now = time(NULL);

    if (d == NULL)
        return;
    while ((de = readdir(d)) != NULL) {
        char name[256], path[1400];
        struct stat sb;
        size_t len = strlen(de->d_name);

        if (len <= PART_SUFFIX_LEN || len >= sizeof name ||
            strcmp(de->d_name + len - 5, ".part") != 0 || de->d_name[len - PART_SUFFIX_LEN] != '.')
            continue;
        memcpy(name, de->d_name, len - PART_SUFFIX_LEN);
        name[len - PART_SUFFIX_LEN] = '\0';
        if (backup_name_time(name) < 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        if (lstat(path, &sb) == 0 && S_ISREG(sb.st_mode) && now - sb.st_mtime > STALE_PART_SECONDS)
            unlink(path);
    }
    closedir(d);
}

static int64_t millis_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (int64_t)(t1.tv_sec - t0->tv_sec) * 1000 + (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

static int backup_run_held(struct kwh_core *c, const struct kwh_backup_opts *o,
                           struct kwh_backup_info *out, struct kwh_err *e)
{
    char dir[1024];
    struct timespec t0;
    int rc;

    memset(out, 0, sizeof *out);
    if (o != NULL && o->keep < 0)
        return kwh_err_set(e, KWH_EINVAL, "backups to keep: 0 (all) or more");
    clock_gettime(CLOCK_MONOTONIC, &t0);
    out->started = core_now(c);
    backup_dir_for(store_path(c->db), o, dir, sizeof dir);
    if ((rc = ensure_dir(dir, e)) < 0)
        return rc;
    /* a backup written by another program in the same second can take the name while
       this one is copied: the copy then goes under the next free name */
    for (int tries = 0;; tries++) {
        if ((rc = fresh_name(dir, out->started, "", out->path, sizeof out->path, e)) < 0)
            return rc;
        rc = store_backup_to(c->db, out->path, &out->bytes, o ? o->stop : NULL, e);
        if (rc != KWH_ECONFLICT || tries == 3)
            break;
    }
    if (rc < 0 && store_damage_seen(c->db))
        core_note_damage(c, kwh_tr("the backup's check"), e ? e->msg : "");
    if (rc < 0)
        return rc;
    if ((rc = prune(dir, o ? o->keep : 0, &out->removed, e)) < 0)
        return rc;
    remove_stale_parts(dir);
    if ((rc = audit_anchor(c, "backup", &out->anchor, e)) < 0)
        return rc;
    out->millis = millis_since(&t0);
    return 0;
}

static int backup_last_held(const char *db_path, const struct kwh_backup_opts *o, int64_t *when,
                            struct kwh_err *e)
{
    char dir[1024], **names;
    size_t n;
    int rc;

    *when = 0;
    backup_dir_for(db_path, o, dir, sizeof dir);
    if ((rc = list_backups(dir, &names, &n, e)) < 0)
        return rc;
    for (size_t i = 0; i < n; i++) {
        int64_t t = backup_name_time(names[i]);
        if (t > *when)
            *when = t;
    }
    free_names(names, n);
    return 0;
}

static int backup_list_held(const char *db_path, const struct kwh_backup_opts *o, char ***names,
                            size_t *n, struct kwh_err *e)
{
    char dir[1024];

    backup_dir_for(db_path, o, dir, sizeof dir);
    return list_backups(dir, names, n, e);
}

void backup_list_free(char **names, size_t n)
{
    free_names(names, n);
}

int backup_if_due(struct kwh_core *c, const struct kwh_backup_opts *o, int interval_hours,
                  bool *done, struct kwh_backup_info *out, struct kwh_err *e)
{
    int64_t last;
    int rc;

    *done = false;
    memset(out, 0, sizeof *out);
    if (interval_hours <= 0)
        return 0;
    if ((rc = backup_last(store_path(c->db), o, &last, e)) < 0)
        return rc;
    if (last != 0 && core_now(c) - last < (int64_t)interval_hours * 3600)
        return 0;
    if ((rc = backup_run(c, o, out, e)) < 0)
        return rc;
    *done = true;
    return 0;
}

/* --- restore ---------------------------------------------------------------------------- */

/* Copies the file to a private temporary file in dir (the restore works on the copy, so
 * the file cannot change between its checks and its use). */
static int private_copy(const char *from, const char *dir, char *tmp, size_t n, struct kwh_err *e)
{
    char buf[1 << 15];
    struct stat sb;
    int in, out = -1, rc = KWH_EIO;

    /* a named pipe is refused, never waited on; a directory or a device says what it is */
    if ((in = file_open_regular(from, e)) < 0)
        return in;
    if (fstat(in, &sb) != 0) {
        close(in);
        return kwh_err_set(e, KWH_EIO, "cannot read %s: %s", from, strerror(errno));
    }
    if (sb.st_size == 0) {
        close(in);
        return kwh_err_set(e, KWH_EINVAL, "%s is empty: not a kwhpos database", from);
    }

    snprintf(tmp, n, "%s/.kwhpos-restore-XXXXXX", dir);
    out = mkstemp(tmp);
    if (out < 0) {
        kwh_err_set(e, KWH_EIO, "cannot write in %s: %s", dir, strerror(errno));
        tmp[0] = '\0';
        goto done;
    }
    for (;;) {
        ssize_t r = read(in, buf, sizeof buf), w = 0;
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            kwh_err_set(e, KWH_EIO, "cannot read %s: %s", from, strerror(errno));
            goto done;
        }
        if (r == 0)
            break;
        while (w < r) {
            ssize_t k = write(out, buf + w, (size_t)(r - w));
            if (k < 0 && errno == EINTR)
                continue;
            if (k < 0) {
                kwh_err_set(e, KWH_EIO, "cannot write %s: %s", tmp, strerror(errno));
                goto done;
            }
            w += k;
        }
    }
    if (fsync(out) != 0) {
        kwh_err_set(e, KWH_EIO, "cannot write %s: %s", tmp, strerror(errno));
        goto done;
    }
    rc = 0;
done:
    close(in);
    if (out >= 0)
        close(out);
    if (rc != 0 && tmp[0] != '\0')
        unlink(tmp);
    return rc;
}

static void unlink_copy(const char *tmp)
{
    static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
    char path[1200];
    for (size_t i = 0; i < KWH_ARRAY_LEN(suffixes); i++) {
        snprintf(path, sizeof path, "%s%s", tmp, suffixes[i]);
        unlink(path);
    }
}

/* The checks every restore makes on the copy; secret NULL: no site to compare. */
static int inspect(const char *file, const char *tmp, const uint8_t *secret,
                   struct store_file_info *info, struct kwh_err *e)
{
    int rc = store_file_inspect(tmp, info, e);
    if (rc < 0)
        return rc;
    if (!info->sqlite)
        return kwh_err_set(e, KWH_EINVAL, "%s is not a kwhpos database (not an SQLite file)", file);
    if (!info->intact)
        return kwh_err_set(e, KWH_EINVAL,
                           "%s is damaged (integrity_check: %s): choose "
                           "another backup",
                           file, info->integrity);
    if (!info->kwhpos)
        return kwh_err_set(e, KWH_EINVAL,
                           "%s is not a kwhpos database (no kwhpos tables or "
                           "site secret)",
                           file);
    if (info->version > STORE_SCHEMA_VERSION)
        return kwh_err_set(e, KWH_EINVAL,
                           "%s has schema version %d, newer than this program "
                           "understands (%d): upgrade kwhpos first",
                           file, info->version, STORE_SCHEMA_VERSION);
    /* a kwhpos database: it holds a site key, and every user could read this one */
    if ((rc = file_private_check(file, kwh_tr(KWH_N("the backup")), e)) < 0)
        return rc;
    if (secret != NULL && sodium_memcmp(secret, info->secret, KWH_SECRET_LEN) != 0)
        return kwh_err_set(e, KWH_ECONFLICT,
                           "%s belongs to another site (its site key is not "
                           "this site's): refused",
                           file);
    return 0;
}

static void dir_of(const char *path, char *buf, size_t n)
{
    store_local_dir(path, buf, n);
}

/* The restore's own audit record, in the restored database. */
static int audit_restore(struct kwh_core *c, const char *who, const char *file,
                         const struct kwh_restore_info *info, struct kwh_err *e)
{
    char detail[1200], subject[128], name[1024];
    int rc;
    str_copy(name, sizeof name, file);
    snprintf(subject, sizeof subject, "%s", basename(name));
    snprintf(detail, sizeof detail, "from=%s version=%d accounts=%lld pre_restore=%s", file,
             info->from_version, (long long)info->accounts,
             info->pre_restore[0] ? info->pre_restore : "-");
    if ((rc = store_begin(c->db, e)) < 0)
        return rc;
    if ((rc = audit_append(c, who, "restore", subject, "", detail, e)) < 0) {
        store_rollback(c->db);
        return rc;
    }
    return store_commit(c->db, e);
}

static void fill_info(struct kwh_restore_info *out, const struct store_file_info *info)
{
    out->from_version = info->version;
    out->accounts = info->accounts;
    out->last_sale = info->last_sale;
}

static int backup_restore_held(struct kwh_core **c, const struct kwh_session *s, const char *file,
                               const struct kwh_backup_opts *o, struct kwh_restore_info *out,
                               struct kwh_err *e)
{
    char db_path[1024], dir[1024], tmp[1100] = "", who[KWH_NAME_MAX], anchors[1024],
                                   station[KWH_STATION_MAX];
    uint8_t secret[KWH_SECRET_LEN];
    struct store_file_info info;
    struct kwh_err reopen;
    int64_t now = core_now(*c);
    int rc;

    memset(out, 0, sizeof *out);
    if ((rc = need_admin(s, kwh_tr("数据恢复 (restoring a backup)"), e)) < 0)
        return rc;
    str_copy(who, sizeof who, s->name);
    str_copy(db_path, sizeof db_path, store_path((*c)->db));
    str_copy(anchors, sizeof anchors, (*c)->anchor_path);
    str_copy(station, sizeof station, (*c)->station);
    memcpy(secret, (*c)->secret, sizeof secret);
    dir_of(db_path, dir, sizeof dir);
    if ((rc = priv_dir_check(dir, e)) < 0 || (rc = private_copy(file, dir, tmp, sizeof tmp, e)) < 0)
        goto out;
    if ((rc = inspect(file, tmp, secret, &info, e)) < 0)
        goto out;
    backup_dir_for(db_path, o, dir, sizeof dir);
    if ((rc = ensure_dir(dir, e)) < 0 ||
        (rc = fresh_name(dir, now, PRE_RESTORE, out->pre_restore, sizeof out->pre_restore, e)) < 0)
        goto out;
    /* our own connection would count as another terminal */
    core_close(*c);
    *c = NULL;
    rc = store_replace(db_path, tmp, out->pre_restore, e);
    if (rc < 0) {
        struct stat sb;
        if (stat(out->pre_restore, &sb) != 0)
            out->pre_restore[0] = '\0';
        if (core_open(c, db_path, &reopen) < 0 && e != NULL) {
            char first[KWH_ERR_MSG];
            str_copy(first, sizeof first, e->msg);
            kwh_err_set(e, rc, "%s; and the database could not be opened again: %s", first,
                        reopen.msg);
        }
        if (*c != NULL) {
            core_set_anchor_file(*c, anchors);
            core_set_station(*c, station);
        }
        goto out;
    }
    fill_info(out, &info);
    if ((rc = core_open(c, db_path, e)) < 0)
        goto out;
    core_set_anchor_file(*c, anchors);
    core_set_station(*c, station);
    core_clear_damage_at(db_path);
    /* anchors written since the backup describe the chain the restore replaced: this one
       says when it happened */
    if ((rc = audit_restore(*c, who, file, out, e)) == 0)
        rc = audit_anchor(*c, "restore", &out->anchor, e);
out:
    sodium_memzero(secret, sizeof secret);
    if (tmp[0] != '\0')
        unlink_copy(tmp);
    return rc;
}

int backup_target_exists(const char *db_path, bool *exists, struct kwh_err *e)
{
    return store_exists(db_path, exists, e);
}

static int backup_restore_new_held(const char *db_path, const char *file,
                                   struct kwh_restore_info *out, struct kwh_err *e)
{
    char dir[1024], tmp[1100] = "";
    struct store_file_info info;
    struct kwh_core *c = NULL;
    bool exists;
    int rc;

    memset(out, 0, sizeof *out);
    if ((rc = store_exists(db_path, &exists, e)) < 0)
        return rc;
    if (exists)
        return kwh_err_set(e, KWH_ECONFLICT,
                           "a database exists at %s: restore onto it as an "
                           "administrator, or move it away first if it is damaged",
                           db_path);
    dir_of(db_path, dir, sizeof dir);
    if ((rc = priv_dir_check(dir, e)) < 0)
        goto out;
    if ((rc = private_copy(file, dir, tmp, sizeof tmp, e)) < 0)
        goto out;
    if ((rc = inspect(file, tmp, NULL, &info, e)) < 0)
        goto out;
    if ((rc = store_install(db_path, tmp, e)) < 0)
        goto out;
    fill_info(out, &info);
    if ((rc = core_open(&c, db_path, e)) < 0)
        goto out;
    /* a mark of damage left beside the path was the moved database's */
    core_clear_damage_at(db_path);
    rc = audit_restore(c, "-", file, out, e);
    core_close(c);
out:
    if (tmp[0] != '\0')
        unlink_copy(tmp);
    return rc;
}

/* With the program's group: the backup folder and the files in it are its. */
int backup_run(struct kwh_core *c, const struct kwh_backup_opts *o, struct kwh_backup_info *out,
               struct kwh_err *e)
{
    int rc;

    priv_raise();
    rc = backup_run_held(c, o, out, e);
    priv_lower();
    return rc;
}

int backup_last(const char *db_path, const struct kwh_backup_opts *o, int64_t *when,
                struct kwh_err *e)
{
    int rc;

    priv_raise();
    rc = backup_last_held(db_path, o, when, e);
    priv_lower();
    return rc;
}

int backup_list(const char *db_path, const struct kwh_backup_opts *o, char ***names, size_t *n,
                struct kwh_err *e)
{
    int rc;

    priv_raise();
    rc = backup_list_held(db_path, o, names, n, e);
    priv_lower();
    return rc;
}

int backup_restore(struct kwh_core **c, const struct kwh_session *s, const char *file,
                   const struct kwh_backup_opts *o, struct kwh_restore_info *out, struct kwh_err *e)
{
    int rc;

    priv_raise();
    rc = backup_restore_held(c, s, file, o, out, e);
    priv_lower();
    return rc;
}

int backup_restore_new(const char *db_path, const char *file, struct kwh_restore_info *out,
                       struct kwh_err *e)
{
    int rc;

    priv_raise();
    rc = backup_restore_new_held(db_path, file, out, e);
    priv_lower();
    return rc;
}
