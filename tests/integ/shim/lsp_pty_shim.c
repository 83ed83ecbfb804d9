/* SPDX-License-Identifier: Apache-2.0 */
/* Test-only LD_PRELOAD shim: lets libserialport drive a pseudo-terminal as if it were
 * the serial port named by $KWH_SHIM_FROM (a real /dev/ttyS* with a sysfs entry).
 *
 * Every open of $KWH_SHIM_FROM is redirected to $KWH_SHIM_TO (the simulator's pty), so
 * the real port is never opened; on pseudo-terminals the modem-line ioctls, which ptys
 * do not implement and libserialport insists on, report DTR/RTS/CTS/DSR/CD up. All
 * other calls go to the C library unchanged. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

/* readertool looks this up before it lets libserialport open anything. */
int kwh_pty_shim_active(void)
{
    return 1;
}

static const char *redirect(const char *path)
{
    const char *from = getenv("KWH_SHIM_FROM"), *to = getenv("KWH_SHIM_TO");

    if (from != NULL && to != NULL && path != NULL && strcmp(path, from) == 0)
        return to;
    return path;
}

static int is_pty(int fd)
{
    struct stat st;

    return fstat(fd, &st) == 0 && S_ISCHR(st.st_mode) && major(st.st_rdev) >= 136 &&
           major(st.st_rdev) <= 143;
}

int kwh_pty_shim_active(void);
int open(const char *path, int flags, ...);
int open64(const char *path, int flags, ...);
int __open_2(const char *path, int flags);
int ioctl(int fd, unsigned long req, ...);

int open(const char *path, int flags, ...)
{
    static int (*real)(const char *, int, ...);
    mode_t mode = 0;

    if (flags & (O_CREAT | O_TMPFILE)) {
        va_list ap;
        va_start(ap, flags);
        mode = va_arg(ap, mode_t);
        va_end(ap);
    }
    if (real == NULL)
        *(void **)&real = dlsym(RTLD_NEXT, "open");
    return real(redirect(path), flags, mode);
}

int open64(const char *path, int flags, ...)
{
    mode_t mode = 0;

    if (flags & (O_CREAT | O_TMPFILE)) {
        va_list ap;
        va_start(ap, flags);
        mode = va_arg(ap, mode_t);
        va_end(ap);
    }
    return open(path, flags, mode);
}

int __open_2(const char *path, int flags)
{
    return open(path, flags);
}

int ioctl(int fd, unsigned long req, ...)
{
    static int (*real)(int, unsigned long, ...);
    va_list ap;
    void *arg;

    va_start(ap, req);
    arg = va_arg(ap, void *);
    va_end(ap);
    if (real == NULL)
        *(void **)&real = dlsym(RTLD_NEXT, "ioctl");
    if (is_pty(fd)) {
        switch (req) {
        case TIOCMGET:
            *(int *)arg = TIOCM_DTR | TIOCM_RTS | TIOCM_CTS | TIOCM_DSR | TIOCM_CAR;
            return 0;
        case TIOCMSET:
        case TIOCMBIS:
        case TIOCMBIC: return 0;
        }
    }
    return real(fd, req, arg);
}
