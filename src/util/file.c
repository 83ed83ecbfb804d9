/* SPDX-License-Identifier: Apache-2.0 */
/* Files written atomically and read whole. */
#include "kwhpos/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

int file_write_atomic(const char *path, const void *data, size_t len, unsigned mode,
                      struct kwh_err *e)
{
    char tmp[4096], dir[4096];
    const char *p = data;
    int fd, dfd, rc = KWH_EIO;

    if (snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid()) >= (int)sizeof tmp)
        return kwh_err_set(e, KWH_EINVAL, "%s: path too long", path);
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, (mode_t)mode);
    if (fd < 0)
        return kwh_err_set(e, KWH_EIO, "cannot write %s: %s", tmp, strerror(errno));
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            kwh_err_set(e, KWH_EIO, "cannot write %s: %s", tmp, strerror(errno));
            goto fail;
        }
        p += n;
        len -= (size_t)n;
    }
    if (fchmod(fd, (mode_t)mode) != 0 || fsync(fd) != 0) {
        kwh_err_set(e, KWH_EIO, "cannot write %s: %s", tmp, strerror(errno));
        goto fail;
    }
    if (close(fd) != 0) {
        fd = -1;
        kwh_err_set(e, KWH_EIO, "cannot write %s: %s", tmp, strerror(errno));
        goto fail;
    }
    fd = -1;
    if (rename(tmp, path) != 0) {
        kwh_err_set(e, KWH_EIO, "cannot replace %s: %s", path, strerror(errno));
        goto fail;
    }
    str_copy(dir, sizeof dir, path);
    dfd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
    return 0;
fail:
    if (fd >= 0)
        close(fd);
    unlink(tmp);
    return rc;
}

/* What a path that is not a regular file is, for a message. */
static int not_a_file(const char *path, mode_t mode, struct kwh_err *e)
{
    if (S_ISDIR(mode))
        return kwh_err_set(e, KWH_EINVAL, "%s is a directory, not a file: give the file's path",
                           path);
    if (S_ISFIFO(mode))
        return kwh_err_set(e, KWH_EINVAL,
                           "%s is a named pipe (FIFO), not a file: reading it would wait for "
                           "whoever writes to it; give a regular file",
                           path);
    return kwh_err_set(e, KWH_EINVAL, "%s is a device or a socket, not a file: give a regular file",
                       path);
}

/* Reads fd to its end (at most max bytes) into a NUL-terminated heap buffer. */
static int read_fd(int fd, const char *path, size_t max, char **out, size_t *len, struct kwh_err *e)
{
    char *buf = NULL;
    size_t cap = 0, used = 0;

    for (;;) {
        ssize_t n;
        if (used + 4096 + 1 > cap) {
            size_t ncap = cap ? cap * 2 : 8192;
            char *nb = realloc(buf, ncap);
            if (nb == NULL) {
                free(buf);
                return kwh_err_set(e, KWH_ENOMEM, "out of memory reading %s", path);
            }
            buf = nb;
            cap = ncap;
        }
        n = read(fd, buf + used, cap - used - 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int err = errno;
            free(buf);
            return kwh_err_set(e, KWH_EIO, "cannot read %s: %s", path, strerror(err));
        }
        used += (size_t)n;
        if (used > max) {
            free(buf);
            return kwh_err_set(e, KWH_EINVAL, "%s is larger than %zu bytes", path, max);
        }
        if (n == 0)
            break;
    }
    buf[used] = '\0';
    *out = buf;
    if (len)
        *len = used;
    return 0;
}

/* Opens path to read without ever waiting in open(): O_NONBLOCK makes a named pipe
 * nobody writes to open at once (and a device not wait for its line). regular_only
 * refuses anything but a regular file; else only a directory is refused. The file
 * reads blocking afterwards; *mode is what it is. */
static int open_to_read(const char *path, bool regular_only, mode_t *mode, struct kwh_err *e)
{
    struct stat sb;
    int fd, rc;

    fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0)
        return kwh_err_set(e, errno == ENOENT ? KWH_ENOTFOUND : KWH_EIO, "cannot read %s: %s", path,
                           strerror(errno));
    if (fstat(fd, &sb) != 0) {
        rc = kwh_err_set(e, KWH_EIO, "cannot read %s: %s", path, strerror(errno));
        close(fd);
        return rc;
    }
    if (S_ISDIR(sb.st_mode) || (regular_only && !S_ISREG(sb.st_mode))) {
        rc = not_a_file(path, sb.st_mode, e);
        close(fd);
        return rc;
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    *mode = sb.st_mode;
    return fd;
}

int file_open_regular(const char *path, struct kwh_err *e)
{
    mode_t mode;
    return open_to_read(path, true, &mode, e);
}

static int read_path(const char *path, size_t max, bool regular_only, char **out, size_t *len,
                     struct kwh_err *e)
{
    mode_t mode;
    size_t got = 0;
    int fd, rc;

    *out = NULL;
    if ((fd = open_to_read(path, regular_only, &mode, e)) < 0)
        return fd;
    rc = read_fd(fd, path, max, out, &got, e);
    close(fd);
    /* a named pipe read while nobody writes to it ends at once: say so rather than call
       it an empty file (a shell's <(...) has its writer from the start) */
    if (rc == 0 && got == 0 && S_ISFIFO(mode)) {
        free(*out);
        *out = NULL;
        return kwh_err_set(e, KWH_EINVAL,
                           "%s is a named pipe (FIFO) that nothing writes to: give a regular "
                           "file, or start what writes into the pipe first",
                           path);
    }
    if (rc == 0 && len)
        *len = got;
    return rc;
}

int file_read_all(const char *path, size_t max, char **out, size_t *len, struct kwh_err *e)
{
    return read_path(path, max, true, out, len, e);
}

int file_read_stream(const char *path, size_t max, char **out, size_t *len, struct kwh_err *e)
{
    return read_path(path, max, false, out, len, e);
}

/* The running program's folder into buf. */
static bool program_dir(char *buf, size_t size)
{
    ssize_t n = readlink("/proc/self/exe", buf, size - 1);
    char *slash;

    if (n <= 0 || (size_t)n >= size - 1)
        return false;
    buf[n] = '\0';
    slash = strrchr(buf, '/');
    if (slash == NULL)
        return false;
    *slash = '\0';
    return true;
}

bool file_shipped(const char *installed, const char *build, char *buf, size_t size)
{
    char self[PATH_MAX];
    int len;

    if (!program_dir(self, sizeof self))
        return false;
    len = snprintf(buf, size, "%s/../%s", self, installed);
    if (len > 0 && (size_t)len < size && access(buf, R_OK) == 0) {
        /* /usr/bin/../share -> /usr/share: the path a person reads in messages */
        char *dotdot = strstr(buf, "/../");
        char *cut = dotdot;
        while (cut > buf && cut[-1] != '/')
            cut--;
        if (dotdot != NULL && cut > buf)
            memmove(cut, dotdot + 4, strlen(dotdot + 4) + 1);
        return true;
    }
    if (build == NULL)
        return false;
    len = snprintf(buf, size, "%s/%s", self, build);
    return len > 0 && (size_t)len < size && access(buf, R_OK) == 0;
}

static bool has_ext(const char *name, const char *const *exts)
{
    size_t n = strlen(name);
    if (exts == NULL)
        return true;
    for (; *exts != NULL; exts++) {
        size_t k = strlen(*exts);
        if (n > k && strcasecmp(name + n - k, *exts) == 0)
            return true;
    }
    return false;
}

static int entry_cmp(const void *x, const void *y)
{
    const struct file_entry *a = x, *b = y;
    if (a->dir != b->dir)
        return a->dir ? -1 : 1;
    if (!a->dir && a->mtime != b->mtime)
        return a->mtime > b->mtime ? -1 : 1;
    return strcmp(a->name, b->name);
}

int file_list_dir(const char *dir, const char *const *exts, struct file_entry **out, size_t *n,
                  struct kwh_err *e)
{
    struct file_entry *v = NULL;
    size_t cap = 0, len = 0;
    struct dirent *d;
    DIR *dp;

    *out = NULL;
    *n = 0;
    if ((dp = opendir(dir)) == NULL)
        return kwh_err_set(e, KWH_EIO, "cannot open the folder %s: %s", dir, strerror(errno));
    while ((d = readdir(dp)) != NULL) {
        char path[4096];
        struct stat sb;
        if (d->d_name[0] == '.' || strlen(d->d_name) >= sizeof v->name ||
            snprintf(path, sizeof path, "%s/%s", dir, d->d_name) >= (int)sizeof path ||
            stat(path, &sb) != 0)
            continue; /* hidden, too long, or gone (a dangling link) */
        if (!S_ISDIR(sb.st_mode) && !(S_ISREG(sb.st_mode) && has_ext(d->d_name, exts)))
            continue;
        if (len == cap) {
            struct file_entry *nv = realloc(v, (cap = cap ? cap * 2 : 32) * sizeof *v);
            if (nv == NULL) {
                free(v);
                closedir(dp);
                return kwh_err_set(e, KWH_ENOMEM, "out of memory");
            }
            v = nv;
        }
        memcpy(v[len].name, d->d_name, strlen(d->d_name) + 1);
        v[len].dir = S_ISDIR(sb.st_mode);
        v[len].size = (int64_t)sb.st_size;
        v[len].mtime = (int64_t)sb.st_mtime;
        len++;
    }
    closedir(dp);
    if (len > 0)
        qsort(v, len, sizeof *v, entry_cmp);
    *out = v;
    *n = len;
    return 0;
}
