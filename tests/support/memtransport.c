/* SPDX-License-Identifier: Apache-2.0 */
/* In-memory transport for unit tests. */
#include "memtransport.h"

#include <errno.h>
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

/* An injected fault: the call fails as serial_tty.c's does when read(2) or write(2) gives
 * EIO (a USB adapter pulled, a port that died). */
static int line_fails(struct memt *m, const char *what, struct kwh_err *e)
{
    if (m->fault == NULL || !m->fault())
        return 0;
    return kwh_err_setd(e, KWH_EDEVICE, KWH_DEV_NO_READER,
                        "the reader on memory is gone (%s: %s): check that it is plugged in and "
                        "powered, then choose the port again",
                        what, strerror(EIO));
}

static int memt_read(void *ctx, uint8_t *buf, size_t n, int timeout_ms, size_t *got,
                     struct kwh_err *e)
{
    struct memt *m = ctx;
    int rc;

    *got = 0;
    if (m->gone)
        return kwh_err_setd(e, KWH_EDEVICE, KWH_DEV_NO_READER, "memory transport gone");
    if ((rc = line_fails(m, "read", e)) < 0)
        return rc;
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
    int rc;

    (void)timeout_ms;
    if (m->gone)
        return kwh_err_setd(e, KWH_EDEVICE, KWH_DEV_NO_READER, "memory transport gone");
    if ((rc = line_fails(m, "write", e)) < 0)
        return rc;
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

/* --- a reader over a card device ------------------------------------------------------- */

static size_t mr_reply(struct memt_reader *r, const struct frame *req, int status, const uint8_t *d,
                       size_t n, uint8_t *out, size_t cap)
{
    struct frame a = {.seq = req->seq, .cmd = (uint8_t)(req->cmd | FRAME_RESPONSE)};

    a.data[0] = (uint8_t)status;
    if (n > 0)
        memcpy(a.data + 1, d, n);
    a.len = (uint16_t)(n + 1);
    r->last_len = frame_encode(&a, r->last, sizeof r->last);
    if (r->last_len > cap)
        return 0;
    memcpy(out, r->last, r->last_len);
    return r->last_len;
}

/* The frame status for a device error (-1: the line failed, no answer). */
static int mr_status(struct memt_reader *r, const struct kwh_err *e, uint8_t *b, size_t *n)
{
    int tries = 0;
    struct kwh_err ignored;

    *n = 0;
    switch (e->detail) {
    case KWH_DEV_TIMEOUT:
    case KWH_DEV_NO_READER: return -1;
    case KWH_DEV_NO_CARD:
    case KWH_DEV_REMOVED:
        b[0] = b[1] = 0; /* for a write: none of its bytes reported written */
        *n = 2;
        return FRAME_NO_CARD;
    case KWH_DEV_WRONG_PSC:
        if (r->dev->ops->psc_tries(r->dev->ctx, &tries, &ignored) < 0)
            tries = 0;
        b[0] = (uint8_t)tries;
        *n = 1;
        return FRAME_WRONG_PSC;
    case KWH_DEV_LOCKED: return FRAME_LOCKED;
    case KWH_DEV_WRITE_FAILED:
        b[0] = b[1] = 0;
        *n = 2;
        return FRAME_WRITE_FAILED;
    default: return FRAME_BAD_PARAM;
    }
}

size_t memt_reader_answer(void *arg, const struct frame *req, uint8_t *out, size_t cap)
{
    static const char ident[] = "memory reader protocol 1";
    struct memt_reader *r = arg;
    const struct kwh_card_dev_ops *ops = r->dev->ops;
    void *dev = r->dev->ctx;
    uint8_t b[KWH_CARD_SIZE];
    size_t n = 0;
    struct kwh_err e;
    int rc = 0, tries = 0;
    unsigned addr, len;

    memset(&e, 0, sizeof e);
    switch (req->cmd) {
    case FRAME_CMD_REPEAT:
        if (r->last_len == 0 || r->last_len > cap)
            return mr_reply(r, req, FRAME_BAD_FRAME, NULL, 0, out, cap);
        memcpy(out, r->last, r->last_len);
        return r->last_len;
    case FRAME_CMD_IDENT:
        return mr_reply(r, req, FRAME_OK, (const uint8_t *)ident, sizeof ident - 1, out, cap);
    case FRAME_CMD_STATUS: {
        struct kwh_reader_status st;
        if ((rc = ops->status(dev, &st, &e)) == 0) {
            b[0] = (uint8_t)((st.card_present ? FRAME_ST_CARD : 0) |
                             (st.card_changed ? FRAME_ST_CHANGED : 0));
            n = 1;
        }
        break;
    }
    case FRAME_CMD_POWER_ON:
        if ((rc = ops->power_on(dev, b, &e)) == 0)
            n = 4;
        break;
    case FRAME_CMD_READ:
        if (req->len != 4)
            return mr_reply(r, req, FRAME_BAD_PARAM, NULL, 0, out, cap);
        addr = frame_get16(req->data);
        len = frame_get16(req->data + 2);
        if (addr + len > KWH_CARD_SIZE)
            return mr_reply(r, req, FRAME_BAD_PARAM, NULL, 0, out, cap);
        if ((rc = ops->read(dev, addr, b, len, &e)) == 0)
            n = len;
        break;
    case FRAME_CMD_WRITE:
        if (req->len < 3)
            return mr_reply(r, req, FRAME_BAD_PARAM, NULL, 0, out, cap);
        addr = frame_get16(req->data);
        len = req->len - 2u;
        if (addr + len > KWH_CARD_SIZE)
            return mr_reply(r, req, FRAME_BAD_PARAM, NULL, 0, out, cap);
        if ((rc = ops->write(dev, addr, req->data + 2, len, &e)) == 0) {
            frame_put16(b, (uint16_t)len);
            n = 2;
        }
        break;
    case FRAME_CMD_PSC_TRIES:
        if ((rc = ops->psc_tries(dev, &tries, &e)) == 0) {
            b[0] = (uint8_t)tries;
            return mr_reply(r, req, tries > 0 ? FRAME_OK : FRAME_LOCKED, b, 1, out, cap);
        }
        break;
    case FRAME_CMD_PSC_PRESENT:
        if (req->len != KWH_PSC_LEN)
            return mr_reply(r, req, FRAME_BAD_PARAM, NULL, 0, out, cap);
        if ((rc = ops->psc_present(dev, req->data, &e)) == 0) {
            b[0] = KWH_PSC_TRIES;
            n = 1;
        }
        break;
    case FRAME_CMD_PSC_CHANGE:
        if (req->len != KWH_PSC_LEN)
            return mr_reply(r, req, FRAME_BAD_PARAM, NULL, 0, out, cap);
        rc = ops->psc_change(dev, req->data, &e);
        break;
    default: return mr_reply(r, req, FRAME_UNKNOWN_CMD, NULL, 0, out, cap);
    }
    if (rc < 0) {
        int st = mr_status(r, &e, b, &n);
        if (st < 0)
            return 0; /* the line failed: no answer comes */
        return mr_reply(r, req, st, b, n, out, cap);
    }
    return mr_reply(r, req, FRAME_OK, b, n, out, cap);
}
