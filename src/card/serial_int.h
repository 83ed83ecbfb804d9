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

#endif
