/* SPDX-License-Identifier: Apache-2.0 */
/* Files written atomically and read whole. */
#include "kwhpos/util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

int file_read_all(const char *path, size_t max, char **out, size_t *len, struct kwh_err *e)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t cap = 0, used = 0;

    *out = NULL;
    if (f == NULL)
        return kwh_err_set(e, errno == ENOENT ? KWH_ENOTFOUND : KWH_EIO, "cannot read %s: %s", path,
                           strerror(errno));
    for (;;) {
        if (used + 4096 + 1 > cap) {
            size_t ncap = cap ? cap * 2 : 8192;
            char *nb = realloc(buf, ncap);
            if (nb == NULL) {
                free(buf);
                fclose(f);
                return kwh_err_set(e, KWH_ENOMEM, "out of memory reading %s", path);
            }
            buf = nb;
            cap = ncap;
        }
        size_t n = fread(buf + used, 1, cap - used - 1, f);
        used += n;
        if (used > max) {
            free(buf);
            fclose(f);
            return kwh_err_set(e, KWH_EINVAL, "%s is larger than %zu bytes", path, max);
        }
        if (n == 0)
            break;
    }
    if (ferror(f)) {
        free(buf);
        fclose(f);
        return kwh_err_set(e, KWH_EIO, "cannot read %s", path);
    }
    fclose(f);
    buf[used] = '\0';
    *out = buf;
    if (len)
        *len = used;
    return 0;
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
