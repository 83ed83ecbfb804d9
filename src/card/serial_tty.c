/* SPDX-License-Identifier: Apache-2.0 */
/* The termios back end: pseudo-terminals (the simulator) and any tty libserialport
 * will not take. */
#include "serial_int.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "kwhpos/cardio.h"

struct tty {
    int fd;
    char name[128];
};

int64_t serial_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static speed_t tty_speed(int baud)
{
    switch (baud) {
    case 1200: return B1200;
    case 2400: return B2400;
    case 4800: return B4800;
    case 9600: return B9600;
    case 19200: return B19200;
    case 38400: return B38400;
    case 57600: return B57600;
    case 115200: return B115200;
    case 230400: return B230400;
    }
    return 0;
}

int serial_baud_valid(int baud)
{
    return tty_speed(baud) != 0;
}

static int gone(struct tty *t, struct kwh_err *e, const char *what, int err)
{
    return kwh_err_setd(e, KWH_EDEVICE, KWH_DEV_NO_READER,
                        "the reader on %s is gone (%s: %s): check that it is plugged in and "
                        "powered, then choose the port again",
                        t->name, what, strerror(err));
}

static int tty_read(void *ctx, uint8_t *buf, size_t n, int timeout_ms, size_t *got,
                    struct kwh_err *e)
{
    struct tty *t = ctx;
    int64_t deadline = serial_now_ms() + (timeout_ms > 0 ? timeout_ms : 0);

    *got = 0;
    for (;;) {
        struct pollfd pfd = {.fd = t->fd, .events = POLLIN};
        int64_t left = deadline - serial_now_ms();
        ssize_t r;
        int pr;

        pr = poll(&pfd, 1, left > 0 ? (int)left : 0);
        if (pr < 0 && errno == EINTR)
            continue;
        if (pr < 0)
            return gone(t, e, "poll", errno);
        if (pr == 0)
            return 0;
        r = read(t->fd, buf, n);
        if (r > 0) {
            *got = (size_t)r;
            return 0;
        }
        if (r < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        return gone(t, e, "read", r == 0 ? EPIPE : errno);
    }
}

static int tty_write(void *ctx, const uint8_t *buf, size_t n, int timeout_ms, struct kwh_err *e)
{
    struct tty *t = ctx;
    int64_t deadline = serial_now_ms() + timeout_ms;
    size_t done = 0;

    while (done < n) {
        struct pollfd pfd = {.fd = t->fd, .events = POLLOUT};
        int64_t left = deadline - serial_now_ms();
        ssize_t r;
        int pr;

        if (left <= 0)
            return kwh_err_setd(e, KWH_EDEVICE, KWH_DEV_TIMEOUT,
                                "the port %s does not take data (%zu of %zu bytes sent): "
                                "check the cable",
                                t->name, done, n);
        pr = poll(&pfd, 1, (int)left);
        if (pr < 0 && errno == EINTR)
            continue;
        if (pr < 0)
            return gone(t, e, "poll", errno);
        if (pr == 0)
            continue;
        if (pfd.revents & (POLLERR | POLLHUP | POLLNVAL))
            return gone(t, e, "write", EPIPE);
        r = write(t->fd, buf + done, n - done);
        if (r < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (r < 0)
            return gone(t, e, "write", errno);
        done += (size_t)r;
    }
    return 0;
}

static int tty_drain(void *ctx, int timeout_ms, struct kwh_err *e)
{
    struct tty *t = ctx;
    int64_t deadline = serial_now_ms() + timeout_ms;

    for (;;) {
        int queued = 0;
        struct timespec ms = {0, 1000000};

        if (ioctl(t->fd, TIOCOUTQ, &queued) < 0 || queued <= 0)
            return 0;
        if (serial_now_ms() >= deadline)
            return kwh_err_setd(e, KWH_EDEVICE, KWH_DEV_TIMEOUT,
                                "the port %s still holds %d unsent bytes: check the cable", t->name,
                                queued);
        nanosleep(&ms, NULL);
    }
}

static int tty_flush_input(void *ctx, struct kwh_err *e)
{
    struct tty *t = ctx;
    (void)e;
    tcflush(t->fd, TCIFLUSH);
    return 0;
}

static void tty_close(void *ctx)
{
    struct tty *t = ctx;
    if (t == NULL)
        return;
    close(t->fd);
    free(t);
}

static int tty_lock(void *ctx, int timeout_ms, struct kwh_err *e)
{
    struct tty *t = ctx;
    return serial_fd_lock(t->fd, t->name, timeout_ms, e);
}

static void tty_unlock(void *ctx)
{
    struct tty *t = ctx;
    serial_fd_unlock(t->fd);
}

static const struct kwh_transport_ops tty_ops = {
    .read = tty_read,
    .write = tty_write,
    .drain = tty_drain,
    .flush_input = tty_flush_input,
    .close = tty_close,
    .lock = tty_lock,
    .unlock = tty_unlock,
};

/* Virtual consoles (/dev/tty0..63, major 4 below the serial ports' minors), the
 * controlling terminal and /dev/console (major 5): raw mode there would take the
 * screen and keyboard away from whoever uses them. */
static bool is_console(int fd)
{
    struct stat st;

    if (fstat(fd, &st) < 0 || !S_ISCHR(st.st_mode))
        return false;
    return (major(st.st_rdev) == 4 && minor(st.st_rdev) < 64) ||
           (major(st.st_rdev) == 5 && minor(st.st_rdev) <= 1);
}

int serial_tty_open(const char *name, int baud, struct kwh_transport *out, struct kwh_err *e)
{
    struct termios tio;
    speed_t sp = tty_speed(baud);
    struct tty *t;
    int fd;

    if (sp == 0)
        return kwh_err_setd(e, KWH_EINVAL, KWH_DEV_NO_READER,
                            "unsupported speed %d baud: use 1200, 2400, 4800, 9600, 19200, 38400, "
                            "57600, 115200 or 230400",
                            baud);
    fd = open(name, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return kwh_err_setd(e, KWH_EDEVICE, KWH_DEV_NO_READER,
                            "cannot open the port %s: %s: check the port name in the settings",
                            name, strerror(errno));
    if (!isatty(fd) || tcgetattr(fd, &tio) < 0) {
        close(fd);
        return kwh_err_setd(e, KWH_EDEVICE, KWH_DEV_NO_READER,
                            "%s is not a serial port or terminal: check the port name", name);
    }
    if (is_console(fd)) {
        close(fd);
        return kwh_err_setd(e, KWH_EDEVICE, KWH_DEV_NO_READER,
                            "%s is a console (a screen and keyboard), not a serial port: "
                            "check the port name (kwhpos ports lists the serial ports)",
                            name);
    }
    cfmakeraw(&tio);
    tio.c_cflag |= CLOCAL | CREAD;
    tio.c_cflag &= ~(tcflag_t)(CSTOPB | PARENB | CRTSCTS);
    tio.c_iflag &= ~(tcflag_t)(IXON | IXOFF | IXANY);
    tio.c_cc[VMIN] = 0;
    tio.c_cc[VTIME] = 0;
    cfsetispeed(&tio, sp);
    cfsetospeed(&tio, sp);
    if (tcsetattr(fd, TCSANOW, &tio) < 0) {
        int err = errno;
        close(fd);
        return kwh_err_setd(e, KWH_EDEVICE, KWH_DEV_NO_READER, "cannot configure %s: %s", name,
                            strerror(err));
    }
    serial_fd_flush_idle(fd);
    t = calloc(1, sizeof *t);
    if (t == NULL) {
        close(fd);
        return kwh_err_set(e, KWH_ENOMEM, "out of memory");
    }
    t->fd = fd;
    snprintf(t->name, sizeof t->name, "%s", name);
    memset(out, 0, sizeof *out);
    out->ops = &tty_ops;
    out->ctx = t;
    out->baud = baud;
    out->backend = "termios";
    snprintf(out->name, sizeof out->name, "%s", name);
    return 0;
}
