/* SPDX-License-Identifier: Apache-2.0 */
/* The card reader drivers in one place: which readers this machine has (serial ports
 * and PC/SC readers in one list) and the opening of the one the configuration names
 * ([reader] driver, port and baud for serial, name and dialect for PC/SC). The programs
 * open their reader with cardreg_open; the screens reach the list through the core. */
#ifndef KWHPOS_CARDREG_H
#define KWHPOS_CARDREG_H

#include <stdbool.h>
#include <stddef.h>

#include "kwhpos/cardio.h"
#include "kwhpos/config.h"

/* One reader a clerk can choose. */
struct cardreg_entry {
    char driver[8];  /* "serial" or "pcsc": the [reader] driver that opens it */
    char name[256];  /* the serial port, or the PC/SC reader's full name */
    char label[300]; /* what the clerk picks: "CH340 on /dev/ttyUSB0", "ACS ACR39U ICC
                        Reader 00 00" */
    bool port;       /* a serial port: it has a speed ([reader] baud), and one that is
                        not listed (a simulator's) can be typed */
};

/* Every reader of this machine: the serial ports (with their USB descriptions), then the
 * readers pcscd knows. *list is a heap array the caller frees with free(); *n may be 0.
 * When one kind cannot be listed (pcscd not running), the others still are and note
 * (note_size bytes, may be 0) says why the kind is missing; otherwise note is "". */
int cardreg_list(struct cardreg_entry **list, size_t *n, char *note, size_t note_size,
                 struct kwh_err *e);

/* Whether cfg names a reader at all (serial needs a port; PC/SC always names one). */
bool cardreg_configured(const struct kwh_config *cfg);

/* cfg's reader in words for a log line: the serial port, the PC/SC reader's name (or
 * "the first PC/SC reader"). */
const char *cardreg_describe(const struct kwh_config *cfg);

/* Where cfg's reader is in list[0..n): its index; n when it is not listed (a PC/SC reader
 * unplugged now, a serial port not detected), *absent then being cfg's reader as an entry
 * (its label is its name, "" for "the first PC/SC reader"); -1 when cfg names none. */
long cardreg_find(const struct kwh_config *cfg, const struct cardreg_entry *list, size_t n,
                  struct cardreg_entry *absent);

/* A serial port typed by hand (not listed), as an entry to choose. */
void cardreg_port_entry(const char *port, struct cardreg_entry *r);

/* Makes r cfg's reader ([reader] driver and its port or name; the speed is kept); NULL
 * = no reader. */
int cardreg_choose(struct kwh_config *cfg, const struct cardreg_entry *r, struct kwh_err *e);

/* Opens the reader cfg names into *dev (closed with dev->ops->close(dev->ctx)). No
 * reader configured is KWH_EDEVICE/KWH_DEV_NO_READER saying where to set one; the
 * drivers' own errors otherwise. */
int cardreg_open(const struct kwh_config *cfg, struct kwh_card_dev *dev, struct kwh_err *e);

#endif
