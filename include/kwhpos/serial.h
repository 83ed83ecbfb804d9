/* SPDX-License-Identifier: Apache-2.0 */
/* Byte transports for the card reader, and the serial ports behind them.
 *
 * A transport is a small function table (read with a timeout, write, drain, flush,
 * close) so the reader driver runs the same over a real port, a pseudo-terminal or an
 * in-memory pair in unit tests. Two serial back ends open real devices: libserialport
 * (real ports, with USB descriptions) and plain termios (pseudo-terminals, which
 * libserialport refuses). serial_open() picks one; docs/reader-protocol.md says how. */
#ifndef KWHPOS_SERIAL_H
#define KWHPOS_SERIAL_H

#include <stddef.h>
#include <stdint.h>

#include "kwhpos/err.h"

struct kwh_transport_ops {
    /* Reads up to n bytes, waiting at most timeout_ms for the first one; *got is 0 after
     * a quiet timeout (which is not an error). KWH_EDEVICE/KWH_DEV_NO_READER when the
     * device has gone away. */
    int (*read)(void *ctx, uint8_t *buf, size_t n, int timeout_ms, size_t *got, struct kwh_err *e);
    /* Writes all n bytes within timeout_ms or fails with KWH_EDEVICE. */
    int (*write)(void *ctx, const uint8_t *buf, size_t n, int timeout_ms, struct kwh_err *e);
    /* Waits (at most timeout_ms) until everything written has left the port. */
    int (*drain)(void *ctx, int timeout_ms, struct kwh_err *e);
    /* Drops bytes received but not read yet. */
    int (*flush_input)(void *ctx, struct kwh_err *e);
    /* Closes the device; ctx is invalid afterwards. */
    void (*close)(void *ctx);
    /* Optional (NULL: a line nobody else can open). Takes the line for one request and
     * its answer, waiting at most timeout_ms (0: not at all) while another program on
     * this machine holds it, so two programs on one reader (the terminal UI and a
     * kwhpos command over SSH) never read or flush each other's answers. A line held
     * elsewhere is KWH_EDEVICE/KWH_DEV_BUSY saying so; unlock gives it back. */
    int (*lock)(void *ctx, int timeout_ms, struct kwh_err *e);
    void (*unlock)(void *ctx);
};

struct kwh_transport {
    const struct kwh_transport_ops *ops;
    void *ctx;
    int baud;            /* line speed, for wire-time budgets; 0 when unknown */
    char name[128];      /* what the user called it, for messages */
    const char *backend; /* "libserialport", "termios", "memory" */
};

enum serial_backend {
    SERIAL_AUTO = 0, /* termios for pseudo-terminals, libserialport for the rest */
    SERIAL_LIBSERIALPORT,
    SERIAL_TERMIOS,
};

/* Opens port name at baud (8N1, no flow control) into *t with the chosen back end.
 * Errors are KWH_EDEVICE with detail KWH_DEV_NO_READER and a message naming the port
 * and what to do. */
int serial_open(const char *name, int baud, enum serial_backend backend, struct kwh_transport *t,
                struct kwh_err *e);

/* Closes t (NULL ops allowed) and clears it. */
void transport_close(struct kwh_transport *t);

/* Parses "auto", "libserialport" (or "lsp") and "termios"; -1 for anything else. */
int serial_backend_parse(const char *s);

/* Whether baud is a speed both back ends can set. */
int serial_baud_valid(int baud);

/* One serial port as libserialport sees it. */
struct serial_port_info {
    char name[128];       /* "/dev/ttyUSB0" */
    char desc[128];       /* "CH340" / "USB2.0-Serial" / "ttyS0" */
    char label[272];      /* "CH340 on /dev/ttyUSB0": what a clerk picks */
    char transport[16];   /* "usb", "native", "bluetooth" */
    int usb_vid, usb_pid; /* -1 unless USB */
};

/* Lists the serial ports of this machine. *ports is a heap array the caller frees with
 * free(); *n may be 0. */
int serial_list_ports(struct serial_port_info **ports, size_t *n, struct kwh_err *e);

#endif
