/* SPDX-License-Identifier: Apache-2.0 */
/* Private to the serial back ends (src/card/serial*.c). */
#ifndef KWHPOS_SERIAL_INT_H
#define KWHPOS_SERIAL_INT_H

#include <stdint.h>

#include "kwhpos/serial.h"

/* Opens name with plain termios (any terminal device, pseudo-terminals included). */
int serial_tty_open(const char *name, int baud, struct kwh_transport *t, struct kwh_err *e);

/* Opens name with libserialport (ports with a sysfs entry and modem lines). */
int serial_lsp_open(const char *name, int baud, struct kwh_transport *t, struct kwh_err *e);

/* Monotonic milliseconds. */
int64_t serial_now_ms(void);

/* The transport lock on the open port fd (flock, shared by every process that opens the
 * same device): taken within timeout_ms or KWH_EDEVICE/KWH_DEV_BUSY naming the port;
 * a device that knows no locks is taken at once. */
int serial_fd_lock(int fd, const char *name, int timeout_ms, struct kwh_err *e);
void serial_fd_unlock(int fd);

/* Drops what the port holds (input and output) when no other program is in the middle
 * of a request on it. */
void serial_fd_flush_idle(int fd);

#endif
