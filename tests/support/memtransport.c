/* SPDX-License-Identifier: Apache-2.0 */
/* In-memory transport for unit tests. */
#include "memtransport.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "kwhpos/cardio.h"

void memt_queue(struct memt *m, const uint8_t *p, size_t n)
{
    if (n > sizeof m->q - m->qlen)
        n = sizeof m->q - m->qlen;
    memcpy(m->q + m->qlen, p, n);
    m->qlen += n;
}

static int memt_read(void *ctx, uint8_t *buf, size_t n, int timeout_ms, size_t *got,
                     struct kwh_err *e)
{
    struct memt *m = ctx;

    *got = 0;
    if (m->gone)
        return kwh_err_setd(e, KWH_EDEVICE, KWH_DEV_NO_READER, "memory transport gone");
    if (m->qlen == 0) {
        struct timespec ts = {timeout_ms / 1000, (long)(timeout_ms % 1000) * 1000000};
        m->timeouts++;
        if (timeout_ms > m->max_timeout_ms)
            m->max_timeout_ms = timeout_ms;
        nanosleep(&ts, NULL); /* a quiet line: the time passes */
        return 0;
    }
    if (n > m->qlen)
        n = m->qlen;
    memcpy(buf, m->q, n);
    memmove(m->q, m->q + n, m->qlen - n);
    m->qlen -= n;
    *got = n;
    return 0;
}

static int memt_write(void *ctx, const uint8_t *buf, size_t n, int timeout_ms, struct kwh_err *e)
{
    struct memt *m = ctx;
    struct frame req;
    size_t off = 0;

    (void)timeout_ms;
    if (m->gone)
        return kwh_err_setd(e, KWH_EDEVICE, KWH_DEV_NO_READER, "memory transport gone");
    while (off < n) {
        off += frame_parser_push(&m->p, buf + off, n - off);
        while (frame_parser_next(&m->p, &req) == FRAME_EV_FRAME) {
            uint8_t out[2 * FRAME_MAX];
            size_t k;

            m->requests++;
            k = m->peer(m->arg, &req, out, sizeof out);
            memt_queue(m, out, k);
        }
    }
    return 0;
}

static int memt_drain(void *ctx, int timeout_ms, struct kwh_err *e)
{
    (void)ctx;
    (void)timeout_ms;
    (void)e;
    return 0;
}

static int memt_flush(void *ctx, struct kwh_err *e)
{
    struct memt *m = ctx;
    (void)e;
    m->qlen = 0;
    return 0;
}

static void memt_close(void *ctx)
{
    (void)ctx;
}

static const struct kwh_transport_ops memt_ops = {
    .read = memt_read,
    .write = memt_write,
    .drain = memt_drain,
    .flush_input = memt_flush,
    .close = memt_close,
};

void memt_init(struct memt *m, memt_peer_fn peer, void *arg, int baud, struct kwh_transport *t)
{
    memset(m, 0, sizeof *m);
    m->peer = peer;
    m->arg = arg;
    frame_parser_init(&m->p);
    memset(t, 0, sizeof *t);
    t->ops = &memt_ops;
    t->ctx = m;
    t->baud = baud;
    t->backend = "memory";
    snprintf(t->name, sizeof t->name, "memory");
}
