/* SPDX-License-Identifier: Apache-2.0 */
/* The framed-serial card reader driver: struct kwh_card_dev over a transport.
 *
 * Every exchange has a deadline (answer timeout + wire time at the line speed + the
 * card's write time); a garbled answer is asked for again once (REPEAT: the reader
 * re-sends it without doing anything twice); noise is skipped. A PSC presentation is
 * never repeated by the driver; whether to risk one is the card writer's decision
 * (kwhpos/cardwrite.h). */
#ifndef KWHPOS_READER_H
#define KWHPOS_READER_H

#include <stddef.h>
#include <stdint.h>

#include "kwhpos/cardio.h"
#include "kwhpos/serial.h"

struct reader_opts {
    int timeout_ms;        /* answer time allowed beyond wire and card time; default 1000 */
    int write_ms_per_byte; /* card write time allowed per byte; default 10 */
};

/* Traffic counters, for measurements. */
struct reader_stats {
    unsigned long exchanges;
    unsigned long tx_bytes, rx_bytes; /* framed bytes on the wire, both ways */
    unsigned long written;            /* card bytes the reader reported written */
    unsigned long repeats;            /* answers asked for again after a bad checksum */
    unsigned long resyncs;            /* IDENTs sent again at open (a busy reader) */
};

/* Fills o with the defaults. */
void reader_opts_default(struct reader_opts *o);

/* Opens the reader on port (serial_open) and checks that it answers; *dev is a card
 * device the caller closes with dev->ops->close(dev->ctx). o may be NULL. */
int reader_open(const char *port, int baud, enum serial_backend backend,
                const struct reader_opts *o, struct kwh_card_dev *dev, struct kwh_err *e);

/* Makes a card device over an open transport, which it owns from now on (closed with
 * the device, or at once on failure). Does not talk to the reader. */
int reader_attach(struct kwh_transport *t, const struct reader_opts *o, struct kwh_card_dev *dev,
                  struct kwh_err *e);

/* Asks the reader who it is ("kwhsim 0.1.0 protocol 1"). */
int reader_ident(struct kwh_card_dev *dev, char *buf, size_t n, struct kwh_err *e);

/* The traffic counters of a reader device (NULL if dev is not one); borrowed. */
const struct reader_stats *reader_stats(const struct kwh_card_dev *dev);

/* The transport's back end name ("termios", "libserialport", ...), or NULL. */
const char *reader_backend(const struct kwh_card_dev *dev);

#endif
