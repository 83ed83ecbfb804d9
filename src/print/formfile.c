/* SPDX-License-Identifier: Apache-2.0 */
/* Form files on disk: load and save, the last-good loader, and the backups behind
 * 保存发票格式 and 恢复发票格式. */
#include "kwhpos/print.h"
#include "kwhpos/util.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int print_form_load(const char *path, struct print_form **out, struct kwh_err *e)
{
    char *text;
    size_t len;
    int rc;

    *out = NULL;
    rc = file_read_all(path, PRINT_FORM_MAX_BYTES, &text, &len, e);
    if (rc < 0)
        return rc;
    rc = print_form_parse(text, len, path, out, e);
    free(text);
    return rc;
}

int print_form_save(const struct print_form *f, const char *path, struct kwh_err *e)
{
    char *text = print_form_format(f);
    int rc;

    if (text == NULL)
        return kwh_err_set(e, KWH_ENOMEM, "out of memory");
    rc = file_write_atomic(path, text, strlen(text), 0644, e);
    free(text);
    return rc;
}

/* ---- the loader ------------------------------------------------------------------- */

struct print_form_loader {
    char *path;
    struct print_form *form; /* last good */
    struct stat seen;        /* the file as last read, good or bad */
    bool have_seen;
    struct kwh_err bad; /* why the file as seen is bad; code 0 when it is good */
};

struct print_form_loader *print_loader_new(const char *path)
{
    struct print_form_loader *l = calloc(1, sizeof *l);
    size_t n = strlen(path) + 1;

    if (l == NULL || (l->path = malloc(n)) == NULL) {
        free(l);
        return NULL;
    }
    memcpy(l->path, path, n);
    return l;
}

void print_loader_free(struct print_form_loader *l)
{
    if (l == NULL)
        return;
    print_form_free(l->form);
    free(l->path);
    free(l);
}

static bool same_file(const struct stat *a, const struct stat *b)
{
    return a->st_ino == b->st_ino && a->st_dev == b->st_dev && a->st_size == b->st_size &&
           a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

static int keep_last(struct print_form_loader *l, struct kwh_err *e)
{
    if (e != NULL && e != &l->bad)
        *e = l->bad;
    if (l->form != NULL)
        kwh_err_prefix(e, "form not changed (the last good one stays in use)");
    return l->bad.code;
}

int print_loader_refresh(struct print_form_loader *l, struct kwh_err *e)
{
    struct stat st;
    struct print_form *f;

    if (stat(l->path, &st) != 0) {
        kwh_err_set(&l->bad, errno == ENOENT ? KWH_ENOTFOUND : KWH_EIO, "cannot read form %s: %s",
                    l->path, strerror(errno));
        l->have_seen = false;
        return keep_last(l, e);
    }
    if (l->have_seen && same_file(&st, &l->seen))
        return l->bad.code < 0 ? keep_last(l, e) : 0;
    l->seen = st;
    l->have_seen = true;
    if (print_form_load(l->path, &f, &l->bad) < 0)
        return keep_last(l, e);
    kwh_err_clear(&l->bad);
    print_form_free(l->form);
    l->form = f;
    return 1;
}

const struct print_form *print_loader_form(const struct print_form_loader *l)
{
    return l->form;
}

/* ---- backups ---------------------------------------------------------------------- */

/* The form file's name without directory and ".form": the backups' prefix. */
static void backup_base(const char *form_path, char *base, size_t n)
{
    const char *slash = strrchr(form_path, '/');
    size_t len;

    str_copy(base, n, slash ? slash + 1 : form_path);
    len = strlen(base);
    if (len > 5 && strcmp(base + len - 5, ".form") == 0)
        base[len - 5] = '\0';
}

int print_form_backup(const char *form_path, const char *backup_dir, time_t now, char *out,
                      size_t n, struct kwh_err *e)
{
    char base[256], stamp[32], path[4096];
    struct print_form *f = NULL;
    struct tm tm;
    char *text;
    size_t len;
    int rc;

    rc = file_read_all(form_path, PRINT_FORM_MAX_BYTES, &text, &len, e);
    if (rc < 0)
        return rc;
    rc = print_form_parse(text, len, form_path, &f, e);
    print_form_free(f);
    if (rc < 0) {
        kwh_err_prefix(e, "not backed up, the form has an error");
        goto out;
    }
    if (mkdir(backup_dir, 0755) != 0 && errno != EEXIST) {
        rc = kwh_err_set(e, KWH_EIO, "cannot create backup folder %s: %s", backup_dir,
                         strerror(errno));
        goto out;
    }
    backup_base(form_path, base, sizeof base);
    if (localtime_r(&now, &tm) == NULL ||
        strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm) == 0) {
        rc = kwh_err_set(e, KWH_EINVAL, "cannot format the backup time");
        goto out;
    }
    for (int seq = 1;; seq++) {
        int w = seq == 1
                    ? snprintf(path, sizeof path, "%s/%s-%s.form", backup_dir, base, stamp)
                    : snprintf(path, sizeof path, "%s/%s-%s-%d.form", backup_dir, base, stamp, seq);
        if (w < 0 || (size_t)w >= sizeof path) {
            rc = kwh_err_set(e, KWH_EINVAL, "backup path too long");
            goto out;
        }
        if (access(path, F_OK) != 0)
            break;
        if (seq == 1000) {
            rc = kwh_err_set(e, KWH_EIO, "too many backups at %s in %s", stamp, backup_dir);
            goto out;
        }
    }
    rc = file_write_atomic(path, text, len, 0644, e);
    if (rc == 0 && out != NULL && !str_copy(out, n, path))
        rc = kwh_err_set(e, KWH_EINVAL, "backup path too long for the caller's buffer");
out:
    free(text);
    return rc;
}

/* Parses NAME-YYYYMMDD-HHMMSS[-N].form after the prefix; fills the sort key. */
static bool backup_key(const char *name, size_t plen, char stamp[16], int *seq)
{
    const char *s = name + plen;
    size_t n = strlen(s);
    int v = 1;

    if (n < 20 || strcmp(s + n - 5, ".form") != 0 || s[8] != '-')
        return false;
    for (int i = 0; i < 15; i++)
        if (i != 8 && (s[i] < '0' || s[i] > '9'))
            return false;
    if (n > 20) {
        if (s[15] != '-' || n - 21 > 4)
            return false;
        v = 0;
        for (size_t i = 16; i < n - 5; i++) {
            if (s[i] < '0' || s[i] > '9')
                return false;
            v = v * 10 + (s[i] - '0');
        }
    } else if (s[15] != '.') {
        return false;
    }
    memcpy(stamp, s, 15);
    stamp[15] = '\0';
    *seq = v;
    return true;
}

struct backup {
    char *name;
    char stamp[16];
    int seq;
};

static int newest_first(const void *a, const void *b)
{
    const struct backup *x = a, *y = b;
    int c = strcmp(y->stamp, x->stamp);
    return c != 0 ? c : y->seq - x->seq;
}

void print_form_backups_free(char **names)
{
    if (names == NULL)
        return;
    for (char **p = names; *p != NULL; p++)
        free(*p);
    free(names);
}

int print_form_backups(const char *backup_dir, const char *form_path, char ***names, int *count,
                       struct kwh_err *e)
{
    char base[256], prefix[260];
    struct backup *all = NULL, b;
    char **list = NULL;
    int n = 0, cap = 0, rc = 0;
    struct dirent *d;
    DIR *dir;

    *names = NULL;
    *count = 0;
    backup_base(form_path, base, sizeof base);
    snprintf(prefix, sizeof prefix, "%s-", base);
    dir = opendir(backup_dir);
    if (dir == NULL && errno != ENOENT)
        return kwh_err_set(e, KWH_EIO, "cannot read backup folder %s: %s", backup_dir,
                           strerror(errno));
    while (dir != NULL && (d = readdir(dir)) != NULL) {
        if (strncmp(d->d_name, prefix, strlen(prefix)) != 0 ||
            !backup_key(d->d_name, strlen(prefix), b.stamp, &b.seq))
            continue;
        if (n == cap) {
            int ncap = cap ? cap * 2 : 16;
            struct backup *na = realloc(all, (size_t)ncap * sizeof *na);
            if (na == NULL)
                goto oom;
            all = na;
            cap = ncap;
        }
        size_t len = strlen(d->d_name) + 1;
        if ((b.name = malloc(len)) == NULL)
            goto oom;
        memcpy(b.name, d->d_name, len);
        all[n++] = b;
    }
    if ((list = calloc((size_t)n + 1, sizeof *list)) == NULL)
        goto oom;
    if (n > 0)
        qsort(all, (size_t)n, sizeof *all, newest_first);
    for (int i = 0; i < n; i++)
        list[i] = all[i].name;
    *names = list;
    *count = n;
    n = 0;
    goto out;
oom:
    rc = kwh_err_set(e, KWH_ENOMEM, "out of memory");
out:
    for (int i = 0; i < n; i++)
        free(all[i].name);
    free(all);
    if (dir != NULL)
        closedir(dir);
    return rc;
}

int print_form_restore(const char *backup_path, const char *form_path, struct kwh_err *e)
{
    struct print_form *f = NULL;
    char *text;
    size_t len;
    int rc;

    rc = file_read_all(backup_path, PRINT_FORM_MAX_BYTES, &text, &len, e);
    if (rc < 0)
        return rc;
    rc = print_form_parse(text, len, backup_path, &f, e);
    print_form_free(f);
    if (rc < 0)
        kwh_err_prefix(e, "not restored, the backup has an error");
    else
        rc = file_write_atomic(form_path, text, len, 0644, e);
    free(text);
    return rc;
}
