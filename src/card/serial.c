/* SPDX-License-Identifier: Apache-2.0 */
/* Choosing a serial back end: termios for pseudo-terminals, libserialport otherwise. */
#include "serial_int.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <termios.h>
#include <time.h>

#include "kwhpos/cardio.h"
#include "kwhpos/util.h"

/* Unix98 pseudo-terminal slaves use majors 136..143. */
static int is_pty(const struct stat *st)
{
    unsigned maj = major(st->st_rdev);
    return S_ISCHR(st->st_mode) && maj >= 136 && maj <= 143;
}

static int open_port(const char *name, int baud, enum serial_backend backend,
                     struct kwh_transport *t, struct kwh_err *e);

/* The port is opened with the program's group (a reader given to group kwhpos by a udev
 * rule); a port it may not open is reported with the permission that is missing. */
int serial_open(const char *name, int baud, enum serial_backend backend, struct kwh_transport *t,
                struct kwh_err *e)
{
    char why[768];
    int rc;

    priv_raise();
    rc = open_port(name, baud, backend, t, e);
    if (rc < 0 && name != NULL && file_access_explain(name, why, sizeof why))
        kwh_err_setd(e, KWH_EDEVICE, KWH_DEV_NO_READER, "cannot open the card reader: %s", why);
    priv_lower();
    return rc;
}

static int open_port(const char *name, int baud, enum serial_backend backend,
                     struct kwh_transport *t, struct kwh_err *e)
{
    char real[PATH_MAX];
    struct stat st;
    struct kwh_err lsp_err;
    int rc;

    memset(t, 0, sizeof *t);
    if (name == NULL || *name == '\0')
        return kwh_err_setd(e, KWH_EINVAL, KWH_DEV_NO_READER,
                            "no card reader port is set: choose one in 通讯参数设置");
    if (backend == SERIAL_TERMIOS)
        return serial_tty_open(name, baud, t, e);
    if (backend == SERIAL_LIBSERIALPORT)
        return serial_lsp_open(name, baud, t, e);
    if (realpath(name, real) == NULL || stat(real, &st) < 0)
        return kwh_err_setd(e, KWH_EDEVICE, KWH_DEV_NO_READER,
                            "no serial port %s (%s): check that the reader is plugged in; "
                            "`kwhpos ports` lists the ports",
                            name, strerror(errno));
    if (is_pty(&st))
        return serial_tty_open(name, baud, t, e);
    rc = serial_lsp_open(real, baud, t, &lsp_err);
    if (rc == 0) {
        snprintf(t->name, sizeof t->name, "%s", name);
        return 0;
    }
    /* a terminal libserialport does not know (no sysfs entry): plain termios works */
    if (S_ISCHR(st.st_mode) && serial_tty_open(name, baud, t, NULL) == 0)
        return 0;
    if (e != NULL)
        *e = lsp_err;
    return rc;
}

int serial_fd_lock(int fd, const char *name, int timeout_ms, struct kwh_err *e)
{
    int64_t deadline = serial_now_ms() + (timeout_ms > 0 ? timeout_ms : 0);

    for (;;) {
        if (flock(fd, LOCK_EX | LOCK_NB) == 0)
            return 0;
        if (errno != EWOULDBLOCK && errno != EINTR)
            return 0; /* no locks on this device: nobody else can be told apart */
        if (serial_now_ms() >= deadline)
            return kwh_err_setd(e, KWH_EDEVICE, KWH_DEV_BUSY,
                                "the reader on %s is busy: another kwhpos program on this "
                                "machine is using it; try again when it is done",
                                name);
        struct timespec nap = {0, 5 * 1000000L};
        nanosleep(&nap, NULL);
    }
}

void serial_fd_unlock(int fd)
{
    flock(fd, LOCK_UN);
}

void serial_fd_flush_idle(int fd)
{
    if (flock(fd, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK)
        return;
    tcflush(fd, TCIOFLUSH);
    flock(fd, LOCK_UN);
}

void transport_close(struct kwh_transport *t)
{
    if (t == NULL || t->ops == NULL)
        return;
    t->ops->close(t->ctx);
    memset(t, 0, sizeof *t);
}

int serial_backend_parse(const char *s)
{
    if (s == NULL || strcmp(s, "auto") == 0)
        return SERIAL_AUTO;
    if (strcmp(s, "libserialport") == 0 || strcmp(s, "lsp") == 0)
        return SERIAL_LIBSERIALPORT;
    if (strcmp(s, "termios") == 0)
        return SERIAL_TERMIOS;
    return -1;
}
