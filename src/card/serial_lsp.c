/* SPDX-License-Identifier: Apache-2.0 */
/* The libserialport back end: real serial ports (native UARTs, USB-serial adapters). */
#include "serial_int.h"

#include <libserialport.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "kwhpos/cardio.h"

struct lsp {
    struct sp_port *port;
    char name[128];
};

static const char *lsp_why(enum sp_return r)
{
    static _Thread_local char buf[200];
    char *m;

    if (r != SP_ERR_FAIL)
        return r == SP_ERR_ARG   ? "invalid argument"
               : r == SP_ERR_MEM ? "out of memory"
                                 : "not supported";
    m = sp_last_error_message();
    snprintf(buf, sizeof buf, "%s", m ? m : "failed");
    sp_free_error_message(m);
    buf[strcspn(buf, "\r\n")] = '\0';
    return buf;
}

static int lost(struct lsp *l, struct kwh_err *e, const char *what, enum sp_return r)
{
    return kwh_err_setd(e, KWH_EDEVICE, KWH_DEV_NO_READER,
                        "the reader on %s is gone (%s: %s): check that it is plugged in and "
                        "powered, then choose the port again",
                        l->name, what, lsp_why(r));
}

static int lsp_read(void *ctx, uint8_t *buf, size_t n, int timeout_ms, size_t *got,
                    struct kwh_err *e)
{
    struct lsp *l = ctx;
    enum sp_return r;

    *got = 0;
    /* a zero timeout means "wait for ever" to libserialport */
    if (timeout_ms <= 0)
        r = sp_nonblocking_read(l->port, buf, n);
    else
        r = sp_blocking_read_next(l->port, buf, n, (unsigned)timeout_ms);
    if (r < 0)
        return lost(l, e, "read", r);
    *got = (size_t)r;
    return 0;
}

static int lsp_write(void *ctx, const uint8_t *buf, size_t n, int timeout_ms, struct kwh_err *e)
{
    struct lsp *l = ctx;
    enum sp_return r =
        sp_blocking_write(l->port, buf, n, timeout_ms > 0 ? (unsigned)timeout_ms : 1);

    if (r < 0)
        return lost(l, e, "write", r);
    if ((size_t)r < n)
        return kwh_err_setd(e, KWH_EDEVICE, KWH_DEV_TIMEOUT,
                            "the port %s does not take data (%d of %zu bytes sent): check the "
                            "cable",
                            l->name, (int)r, n);
    return 0;
}

static int lsp_drain(void *ctx, int timeout_ms, struct kwh_err *e)
{
    struct lsp *l = ctx;
    int64_t deadline = serial_now_ms() + timeout_ms;

    for (;;) {
        enum sp_return r = sp_output_waiting(l->port);
        struct timespec ms = {0, 1000000};

        if (r < 0)
            return lost(l, e, "drain", r);
        if (r == 0)
            return 0;
        if (serial_now_ms() >= deadline)
            return kwh_err_setd(e, KWH_EDEVICE, KWH_DEV_TIMEOUT,
                                "the port %s still holds %d unsent bytes: check the cable", l->name,
                                (int)r);
        nanosleep(&ms, NULL);
    }
}

static int lsp_flush_input(void *ctx, struct kwh_err *e)
{
    struct lsp *l = ctx;
    enum sp_return r = sp_flush(l->port, SP_BUF_INPUT);

    return r < 0 ? lost(l, e, "flush", r) : 0;
}

static void lsp_close(void *ctx)
{
    struct lsp *l = ctx;
    if (l == NULL)
        return;
    sp_close(l->port);
    sp_free_port(l->port);
    free(l);
}

/* The port's descriptor, for the lock; -1 when libserialport cannot say. */
static int lsp_fd(const struct lsp *l)
{
    int fd = -1;
    return sp_get_port_handle(l->port, &fd) == SP_OK ? fd : -1;
}

static int lsp_lock(void *ctx, int timeout_ms, struct kwh_err *e)
{
    struct lsp *l = ctx;
    int fd = lsp_fd(l);
    return fd < 0 ? 0 : serial_fd_lock(fd, l->name, timeout_ms, e);
}

static void lsp_unlock(void *ctx)
{
    struct lsp *l = ctx;
    int fd = lsp_fd(l);
    if (fd >= 0)
        serial_fd_unlock(fd);
}

static const struct kwh_transport_ops lsp_ops = {
    .read = lsp_read,
    .write = lsp_write,
    .drain = lsp_drain,
    .flush_input = lsp_flush_input,
    .close = lsp_close,
    .lock = lsp_lock,
    .unlock = lsp_unlock,
};

int serial_lsp_open(const char *name, int baud, struct kwh_transport *out, struct kwh_err *e)
{
    struct sp_port *port = NULL;
    struct lsp *l;
    enum sp_return r;

    if (!serial_baud_valid(baud))
        return kwh_err_setd(e, KWH_EINVAL, KWH_DEV_NO_READER,
                            "unsupported speed %d baud: use 1200, 2400, 4800, 9600, 19200, 38400, "
                            "57600, 115200 or 230400",
                            baud);
    r = sp_get_port_by_name(name, &port);
    if (r != SP_OK)
        return kwh_err_setd(e, KWH_EDEVICE, KWH_DEV_NO_READER,
                            "libserialport does not know a serial port named %s (%s): it takes "
                            "only real ports with a system entry, not pseudo-terminals; "
                            "`kwhpos ports` lists the ports",
                            name, lsp_why(r));
    r = sp_open(port, SP_MODE_READ_WRITE);
    if (r == SP_OK)
        r = sp_set_baudrate(port, baud);
    if (r == SP_OK)
        r = sp_set_bits(port, 8);
    if (r == SP_OK)
        r = sp_set_parity(port, SP_PARITY_NONE);
    if (r == SP_OK)
        r = sp_set_stopbits(port, 1);
    if (r == SP_OK)
        r = sp_set_flowcontrol(port, SP_FLOWCONTROL_NONE);
    if (r != SP_OK) {
        int rc = kwh_err_setd(e, KWH_EDEVICE, KWH_DEV_NO_READER,
                              "cannot open the serial port %s with libserialport: %s: check "
                              "that no other program uses it and that you may open it",
                              name, lsp_why(r));
        sp_close(port);
        sp_free_port(port);
        return rc;
    }
    {
        int fd = -1;
        if (sp_get_port_handle(port, &fd) == SP_OK && fd >= 0)
            serial_fd_flush_idle(fd);
        else
            sp_flush(port, SP_BUF_BOTH);
    }
    l = calloc(1, sizeof *l);
    if (l == NULL) {
        sp_close(port);
        sp_free_port(port);
        return kwh_err_set(e, KWH_ENOMEM, "out of memory");
    }
    l->port = port;
    snprintf(l->name, sizeof l->name, "%s", name);
    memset(out, 0, sizeof *out);
    out->ops = &lsp_ops;
    out->ctx = l;
    out->baud = baud;
    out->backend = "libserialport";
    snprintf(out->name, sizeof out->name, "%s", name);
    return 0;
}

int serial_list_ports(struct serial_port_info **ports, size_t *n, struct kwh_err *e)
{
    struct sp_port **list = NULL;
    struct serial_port_info *out;
    size_t count = 0;
    enum sp_return r;

    *ports = NULL;
    *n = 0;
    r = sp_list_ports(&list);
    if (r != SP_OK)
        return kwh_err_set(e, KWH_EIO, "cannot list the serial ports: %s", lsp_why(r));
    while (list[count] != NULL)
        count++;
    out = calloc(count ? count : 1, sizeof *out);
    if (out == NULL) {
        sp_free_port_list(list);
        return kwh_err_set(e, KWH_ENOMEM, "out of memory");
    }
    size_t kept = 0;
    for (size_t i = 0; i < count; i++) {
        struct serial_port_info *p = &out[kept];
        enum sp_transport tr = sp_get_port_transport(list[i]);
        struct stat st;
        /* the kernel may know a port whose device node this system does not have (a
           container): a clerk cannot use it, so it is not offered */
        if (stat(sp_get_port_name(list[i]), &st) != 0 || !S_ISCHR(st.st_mode))
            continue;
        kept++;
        const char *desc = sp_get_port_description(list[i]);
        const char *product = tr == SP_TRANSPORT_USB ? sp_get_port_usb_product(list[i]) : NULL;

        snprintf(p->name, sizeof p->name, "%s", sp_get_port_name(list[i]));
        snprintf(p->desc, sizeof p->desc, "%s", product && *product ? product : desc ? desc : "");
        snprintf(p->transport, sizeof p->transport, "%s",
                 tr == SP_TRANSPORT_USB         ? "usb"
                 : tr == SP_TRANSPORT_BLUETOOTH ? "bluetooth"
                                                : "native");
        p->usb_vid = p->usb_pid = -1;
        if (tr == SP_TRANSPORT_USB)
            sp_get_port_usb_vid_pid(list[i], &p->usb_vid, &p->usb_pid);
        if (p->desc[0] != '\0')
            snprintf(p->label, sizeof p->label, "%s on %s", p->desc, p->name);
        else
            snprintf(p->label, sizeof p->label, "%s", p->name);
    }
    sp_free_port_list(list);
    *ports = out;
    *n = kept;
    return 0;
}
