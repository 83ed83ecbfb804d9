/* SPDX-License-Identifier: Apache-2.0 */
/* An in-memory transport for driver unit tests: requests the driver writes are parsed
 * and handed to a peer callback, whose answer bytes the driver then reads. With nothing
 * queued a read sleeps its timeout and returns as a quiet timeout. */
#ifndef KWHTEST_MEMTRANSPORT_H
#define KWHTEST_MEMTRANSPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kwhpos/cardio.h"
#include "kwhpos/frame.h"
#include "kwhpos/serial.h"

#define MEMT_QUEUE 8192

struct memt;

/* Answers one request: appends bytes to out (at most cap) and returns how many. */
typedef size_t (*memt_peer_fn)(void *arg, const struct frame *req, uint8_t *out, size_t cap);

struct memt {
    memt_peer_fn peer;
    void *arg;
    struct frame_parser p; /* what the driver sent */
    uint8_t q[MEMT_QUEUE]; /* what the driver will read */
    size_t qlen;
    unsigned long requests; /* complete requests seen */
    unsigned long timeouts; /* reads that found nothing */
    int max_timeout_ms;     /* the longest such read asked for */
    int gone;               /* 1: every call fails as if unplugged */
    bool (*fault)(void);    /* if set and true, this read or write fails as a tty's does on
                             * an I/O error (the fault-injection suite) */
};

/* A reader over a card device (the fake card): it answers each framed request by calling
 * dev, as a reader answers for the card in it; REPEAT gives the last answer again. A
 * device call that fails with the line (KWH_DEV_TIMEOUT, KWH_DEV_NO_READER) gets no
 * answer at all. Use memt_reader_answer as the peer and the struct as its argument. */
struct memt_reader {
    struct kwh_card_dev *dev;
    uint8_t last[FRAME_MAX];
    size_t last_len;
};

size_t memt_reader_answer(void *arg, const struct frame *req, uint8_t *out, size_t cap);

/* Fills *t with a transport over m (which the caller owns and keeps alive). */
void memt_init(struct memt *m, memt_peer_fn peer, void *arg, int baud, struct kwh_transport *t);

/* Queues raw bytes for the driver to read (noise, stale frames). */
void memt_queue(struct memt *m, const uint8_t *p, size_t n);

#endif
