/* SPDX-License-Identifier: Apache-2.0 */
/* An in-memory transport for driver unit tests: requests the driver writes are parsed
 * and handed to a peer callback, whose answer bytes the driver then reads. With nothing
 * queued a read sleeps its timeout and returns as a quiet timeout. */
#ifndef KWHTEST_MEMTRANSPORT_H
#define KWHTEST_MEMTRANSPORT_H

#include <stddef.h>
#include <stdint.h>

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
};

/* Fills *t with a transport over m (which the caller owns and keeps alive). */
void memt_init(struct memt *m, memt_peer_fn peer, void *arg, int baud, struct kwh_transport *t);

/* Queues raw bytes for the driver to read (noise, stale frames). */
void memt_queue(struct memt *m, const uint8_t *p, size_t n);

#endif
