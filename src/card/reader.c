/* SPDX-License-Identifier: Apache-2.0 */
/* The framed-serial reader driver (docs/reader-protocol.md). */
#include "kwhpos/reader.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "kwhpos/carddev.h"
#include "kwhpos/frame.h"
#include "kwhpos/util.h"

struct reader {
    struct kwh_transport t;
    struct reader_opts o;
    struct reader_stats st;
    struct frame_parser p;
    uint8_t seq;
    bool powered; /* a power-on succeeded and no removal has been seen since */
    /* what the event op saw last: a card, and the STATUS flag "changed" already told */
    bool ev_known, ev_present, ev_changed_told;
    bool held; /* the line is locked for this process (transport lock) */
};

enum { AWAIT_CHECKSUM = 1 };

static const struct kwh_card_dev_ops reader_ops;

static uint8_t first_seq(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint8_t)((unsigned long)ts.tv_nsec / 1000 ^ (unsigned long)getpid());
}

void reader_opts_default(struct reader_opts *o)
{
    o->timeout_ms = 1000;
    o->write_ms_per_byte = 10;
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Milliseconds n bytes take on the line (10 bits a byte), rounded up. */
static int wire_ms(const struct reader *r, size_t n)
{
    if (r->t.baud <= 0)
        return 0;
    return (int)((n * 10 * 1000 + (size_t)r->t.baud - 1) / (size_t)r->t.baud);
}

static int send_frame(struct reader *r, uint8_t seq, uint8_t cmd, const uint8_t *data, size_t len,
                      int budget, struct kwh_err *e)
{
    struct frame req;
    uint8_t buf[FRAME_MAX];
    size_t n;

    req.seq = seq;
    req.cmd = cmd;
    req.len = (uint16_t)len;
    if (len > 0)
        memcpy(req.data, data, len);
    n = frame_encode(&req, buf, sizeof buf);
    if (n == 0)
        return kwh_err_setd(e, KWH_EINVAL, KWH_DEV_PROTOCOL, "request too long (%zu bytes)", len);
    /* anything still buffered is a stale or garbled answer to an earlier request */
    r->t.ops->flush_input(r->t.ctx, NULL);
    frame_parser_init(&r->p);
    int rc = r->t.ops->write(r->t.ctx, buf, n, budget, e);
    if (rc < 0)
        return rc;
    r->st.tx_bytes += n;
    return 0;
}

/* Waits for the answer to (seq, cmd) until deadline. Returns 0, AWAIT_CHECKSUM after a
 * corrupt frame, or an error. Answers to other requests are ignored. */
static int await(struct reader *r, uint8_t seq, uint8_t cmd, int64_t deadline, int budget,
                 struct frame *resp, struct kwh_err *e)
{
    for (;;) {
        uint8_t buf[FRAME_MAX];
        size_t room, got;
        int64_t left;
        enum frame_event ev = frame_parser_next(&r->p, resp);

        if (ev == FRAME_EV_CHECKSUM)
            return AWAIT_CHECKSUM;
        if (ev == FRAME_EV_FRAME) {
            r->st.rx_bytes += FRAME_OVERHEAD + resp->len;
            if (resp->seq == seq && resp->cmd == (cmd | FRAME_RESPONSE) && resp->len >= 1)
                return 0;
            if (resp->cmd == (FRAME_CMD_REPEAT | FRAME_RESPONSE))
                return kwh_err_setd(e, KWH_EDEVICE, KWH_DEV_BAD_FRAME,
                                    "the reader on %s lost its answer to %s after a garbled "
                                    "line: check the cable, then try again",
                                    r->t.name, frame_cmd_name(cmd));
            continue;
        }
        left = deadline - now_ms();
        if (left <= 0)
            return kwh_err_setd(e, KWH_EDEVICE, KWH_DEV_TIMEOUT,
                                "the reader on %s stopped answering (no answer to %s within "
                                "%d ms): check its cable and power",
                                r->t.name, frame_cmd_name(cmd), budget);
        room = sizeof r->p.buf - r->p.have;
        if (room > sizeof buf)
            room = sizeof buf;
        int rc = r->t.ops->read(r->t.ctx, buf, room, (int)left, &got, e);
        if (rc < 0)
            return rc;
        frame_parser_push(&r->p, buf, got);
    }
}

static bool is_psc_cmd(uint8_t cmd)
{
    return cmd == FRAME_CMD_PSC_PRESENT || cmd == FRAME_CMD_PSC_CHANGE;
}

/* The line for one request and its answer: another program on this machine using the
 * same reader (the terminal UI and a command over SSH) is waited for, up to wait_ms. */
static int line_take(struct reader *r, int wait_ms, struct kwh_err *e)
{
    int rc;

    if (r->held || r->t.ops->lock == NULL)
        return 0;
    if ((rc = r->t.ops->lock(r->t.ctx, wait_ms, e)) < 0)
        return rc;
    r->held = true;
    return 1;
}

static void line_give(struct reader *r, int taken)
{
    if (taken > 0) {
        r->t.ops->unlock(r->t.ctx);
        r->held = false;
    }
}

static int exchange_locked(struct reader *r, uint8_t cmd, const uint8_t *data, size_t len,
                           int budget, struct frame *resp, struct kwh_err *e);

/* One request and its answer (status in resp->data[0]). answer_max bounds the answer's
 * data, card_ms is the card's own time for the request. Another program's request on
 * the line is waited for as long as one of ours could take. */
static int exchange(struct reader *r, uint8_t cmd, const uint8_t *data, size_t len,
                    size_t answer_max, int card_ms, struct frame *resp, struct kwh_err *e)
{
    int budget = r->o.timeout_ms + card_ms + wire_ms(r, 2 * FRAME_OVERHEAD + len + answer_max);
    int taken = line_take(r, budget + r->o.timeout_ms, e);
    int rc;

    if (taken < 0)
        return taken;
    rc = exchange_locked(r, cmd, data, len, budget, resp, e);
    line_give(r, taken);
    return rc;
}

static int exchange_locked(struct reader *r, uint8_t cmd, const uint8_t *data, size_t len,
                           int budget, struct frame *resp, struct kwh_err *e)
{
    bool resent = false;
    int rc;

again:
    r->seq = (uint8_t)(r->seq + 1);
    r->st.exchanges++;
    if ((rc = send_frame(r, r->seq, cmd, data, len, budget, e)) < 0)
        return rc;
    rc = await(r, r->seq, cmd, now_ms() + budget, budget, resp, e);
    if (rc == AWAIT_CHECKSUM) {
        uint8_t seq = r->seq;

        r->st.repeats++;
        r->st.exchanges++;
        r->seq = (uint8_t)(r->seq + 1);
        if ((rc = send_frame(r, r->seq, FRAME_CMD_REPEAT, NULL, 0, budget, e)) < 0)
            return rc;
        rc = await(r, seq, cmd, now_ms() + budget, budget, resp, e);
        if (rc == AWAIT_CHECKSUM)
            return kwh_err_setd(e, KWH_EDEVICE, KWH_DEV_BAD_FRAME,
                                "the line to the reader on %s is garbled (two bad answers to "
                                "%s in a row): check the cable and the port speed",
                                r->t.name, frame_cmd_name(cmd));
    }
    if (rc < 0)
        return rc;
    /* the reader saw our request garbled and did nothing: sending it again is safe,
     * except a PSC, which the driver never sends twice on its own */
    if (resp->data[0] == FRAME_BAD_FRAME && !resent && !is_psc_cmd(cmd)) {
        resent = true;
        goto again;
    }
    return 0;
}

/* Turns a non-ok status into an error for a person. */
static int status_error(struct reader *r, uint8_t cmd, const struct frame *resp, struct kwh_err *e)
{
    const char *port = r->t.name;

    switch (resp->data[0]) {
    case FRAME_NO_CARD:
        if (r->powered && cmd != FRAME_CMD_POWER_ON) {
            r->powered = false;
            return kwh_err_setd(e, KWH_EDEVICE, KWH_DEV_REMOVED,
                                "the card was taken out of the reader during %s: put it back "
                                "and read it again",
                                frame_cmd_name(cmd));
        }
        return kwh_err_setd(e, KWH_EDEVICE, KWH_DEV_NO_CARD,
                            "no card in the reader: insert the card and try again");
    case FRAME_CARD_CHANGED:
        r->powered = false;
        return kwh_err_setd(e, KWH_EDEVICE, KWH_DEV_REMOVED,
                            "the card was removed or replaced since it was read: read it again");
    case FRAME_WRONG_PSC:
        return kwh_err_setd(e, KWH_ECARD, KWH_DEV_WRONG_PSC,
                            "the card refused the PSC (%d tries left before it locks for ever): "
                            "this card belongs to another site or was not issued here",
                            resp->len >= 2 ? resp->data[1] : 0);
    case FRAME_LOCKED: return carddev_locked(e);
    case FRAME_WRITE_FAILED:
        return kwh_err_setd(e, KWH_EDEVICE, KWH_DEV_WRITE_FAILED,
                            "the card did not take the write (%u bytes written): read the card "
                            "again; if it keeps failing the card is worn out",
                            resp->len >= 3 ? frame_get16(resp->data + 1) : 0u);
    case FRAME_PSC_REQUIRED:
        return kwh_err_setd(e, KWH_EDEVICE, KWH_DEV_WRITE_FAILED,
                            "the card refuses writes until its PSC is presented");
    case FRAME_BAD_FRAME:
        return kwh_err_setd(e, KWH_EDEVICE, KWH_DEV_BAD_FRAME,
                            "the reader on %s received %s garbled: check the cable and the "
                            "port speed",
                            port, frame_cmd_name(cmd));
    case FRAME_UNKNOWN_CMD:
        return kwh_err_setd(e, KWH_EDEVICE, KWH_DEV_UNSUPPORTED,
                            "the reader on %s does not know the command %s: it speaks another "
                            "protocol; check the reader model",
                            port, frame_cmd_name(cmd));
    }
    return kwh_err_setd(e, KWH_EDEVICE, KWH_DEV_PROTOCOL,
                        "the reader on %s answered %s with \"%s\": it speaks another protocol",
                        port, frame_cmd_name(cmd), frame_status_name(resp->data[0]));
}

static int protocol_error(struct reader *r, uint8_t cmd, struct kwh_err *e)
{
    return kwh_err_setd(e, KWH_EDEVICE, KWH_DEV_PROTOCOL,
                        "the reader on %s sent a malformed answer to %s", r->t.name,
                        frame_cmd_name(cmd));
}

/* exchange() and status check in one. */
static int call(struct reader *r, uint8_t cmd, const uint8_t *data, size_t len, size_t answer_max,
                int card_ms, struct frame *resp, struct kwh_err *e)
{
    int rc = exchange(r, cmd, data, len, answer_max, card_ms, resp, e);

    if (rc < 0)
        return rc;
    if (resp->data[0] != FRAME_OK)
        return status_error(r, cmd, resp, e);
    return 0;
}

static int rd_status(void *ctx, struct kwh_reader_status *st, struct kwh_err *e)
{
    struct reader *r = ctx;
    struct frame resp;
    int rc = call(r, FRAME_CMD_STATUS, NULL, 0, 2, 0, &resp, e);

    if (rc < 0)
        return rc;
    if (resp.len < 2)
        return protocol_error(r, FRAME_CMD_STATUS, e);
    st->card_present = (resp.data[1] & FRAME_ST_CARD) != 0;
    st->card_changed = (resp.data[1] & FRAME_ST_CHANGED) != 0;
    return 0;
}

static int rd_power_on(void *ctx, uint8_t atr[4], struct kwh_err *e)
{
    struct reader *r = ctx;
    struct frame resp;
    int rc;

    r->powered = false;
    rc = call(r, FRAME_CMD_POWER_ON, NULL, 0, 5, 0, &resp, e);
    if (rc < 0)
        return rc;
    if (resp.len != 5)
        return protocol_error(r, FRAME_CMD_POWER_ON, e);
    memcpy(atr, resp.data + 1, 4);
    r->powered = true;
    /* a card is in and has just been taken in hand: the event look must not tell it as
       a new card later (a look that last saw the reader empty would), and the power-on
       cleared the reader's flag */
    r->ev_known = true;
    r->ev_present = true;
    r->ev_changed_told = false;
    return 0;
}

static int rd_read(void *ctx, unsigned addr, uint8_t *buf, size_t len, struct kwh_err *e)
{
    struct reader *r = ctx;
    struct frame resp;
    uint8_t req[4];
    int rc;

    if ((rc = carddev_check_range(addr, len, e)) < 0)
        return rc;
    frame_put16(req, (uint16_t)addr);
    frame_put16(req + 2, (uint16_t)len);
    if ((rc = call(r, FRAME_CMD_READ, req, sizeof req, len + 1, 0, &resp, e)) < 0)
        return rc;
    if (resp.len != len + 1)
        return protocol_error(r, FRAME_CMD_READ, e);
    memcpy(buf, resp.data + 1, len);
    return 0;
}

static int rd_write(void *ctx, unsigned addr, const uint8_t *buf, size_t len, struct kwh_err *e)
{
    struct reader *r = ctx;
    struct frame resp;
    uint8_t req[2 + KWH_CARD_SIZE];
    int rc;

    if ((rc = carddev_check_range(addr, len, e)) < 0)
        return rc;
    frame_put16(req, (uint16_t)addr);
    memcpy(req + 2, buf, len);
    rc = exchange(r, FRAME_CMD_WRITE, req, 2 + len, 3, (int)len * r->o.write_ms_per_byte, &resp, e);
    if (rc < 0)
        return rc;
    if (resp.len >= 3)
        r->st.written += frame_get16(resp.data + 1);
    if (resp.data[0] == FRAME_NO_CARD || resp.data[0] == FRAME_CARD_CHANGED) {
        r->powered = false;
        return kwh_err_setd(e, KWH_EDEVICE, KWH_DEV_REMOVED,
                            "the card was taken out while it was being written (%u of %zu "
                            "bytes written): put it back and read it again",
                            resp.len >= 3 ? frame_get16(resp.data + 1) : 0u, len);
    }
    if (resp.data[0] != FRAME_OK)
        return status_error(r, FRAME_CMD_WRITE, &resp, e);
    if (resp.len != 3 || frame_get16(resp.data + 1) != len)
        return protocol_error(r, FRAME_CMD_WRITE, e);
    return 0;
}

static int rd_psc_tries(void *ctx, int *tries_left, struct kwh_err *e)
{
    struct reader *r = ctx;
    struct frame resp;
    int rc = exchange(r, FRAME_CMD_PSC_TRIES, NULL, 0, 2, 0, &resp, e);

    if (rc < 0)
        return rc;
    if (resp.data[0] == FRAME_LOCKED) {
        *tries_left = 0;
        return 0;
    }
    if (resp.data[0] != FRAME_OK)
        return status_error(r, FRAME_CMD_PSC_TRIES, &resp, e);
    if (resp.len != 2 || resp.data[1] > KWH_PSC_TRIES)
        return protocol_error(r, FRAME_CMD_PSC_TRIES, e);
    *tries_left = resp.data[1];
    return 0;
}

/* Presents the PSC as asked: whether enough tries are left to risk it is the card
 * writer's decision (kwhpos/cardwrite.h), made with one reading of the counter. */
static int rd_psc_present(void *ctx, const uint8_t psc[KWH_PSC_LEN], struct kwh_err *e)
{
    struct reader *r = ctx;
    struct frame resp;
    int rc = exchange(r, FRAME_CMD_PSC_PRESENT, psc, KWH_PSC_LEN, 2, 0, &resp, e);

    if (rc < 0)
        return kwh_err_prefix(e, "the PSC may have been presented (read the error counter "
                                 "before another try)");
    if (resp.data[0] != FRAME_OK)
        return status_error(r, FRAME_CMD_PSC_PRESENT, &resp, e);
    return 0;
}

static int rd_psc_change(void *ctx, const uint8_t psc[KWH_PSC_LEN], struct kwh_err *e)
{
    struct reader *r = ctx;
    struct frame resp;

    return call(r, FRAME_CMD_PSC_CHANGE, psc, KWH_PSC_LEN, 1, KWH_PSC_LEN * r->o.write_ms_per_byte,
                &resp, e);
}

/* Card events from STATUS alone: present or not, and the flag "inserted or removed since
 * the last power-on", which only POWER_ON clears. A card swapped between two looks
 * shows as the flag set while a card stays present; a second swap before the card is
 * read again cannot be seen (the flag is already set). */
static int rd_event(void *ctx, int timeout_ms, enum kwh_card_event *ev, struct kwh_err *e)
{
    struct reader *r = ctx;
    int64_t deadline = now_ms() + (timeout_ms > 0 ? timeout_ms : 0);

    *ev = KWH_CARD_EV_NONE;
    for (;;) {
        struct kwh_reader_status st;
        /* a line another program is using has nothing to tell now: asked again later */
        int taken = line_take(r, 0, NULL);

        if (taken >= 0) {
            int rc = rd_status(r, &st, e);

            line_give(r, taken);
            if (rc < 0)
                return rc;
            if (r->ev_known) {
                if (r->ev_present && !st.card_present)
                    *ev = KWH_CARD_EV_REMOVED;
                else if (st.card_present &&
                         (!r->ev_present || (st.card_changed && !r->ev_changed_told)))
                    *ev = KWH_CARD_EV_INSERTED;
            }
            if (*ev != KWH_CARD_EV_NONE)
                kwh_log(LOG_DEBUG, "card reader %s: card %s (present %d, changed %d, told %d)",
                        r->t.name, *ev == KWH_CARD_EV_INSERTED ? "inserted" : "removed",
                        st.card_present, st.card_changed, r->ev_changed_told);
            r->ev_known = true;
            r->ev_present = st.card_present;
            r->ev_changed_told = st.card_changed;
        }
        if (*ev != KWH_CARD_EV_NONE || now_ms() >= deadline)
            return 0;
        struct timespec nap = {0, 100 * 1000000L};
        nanosleep(&nap, NULL);
    }
}

static void rd_close(void *ctx)
{
    struct reader *r = ctx;

    if (r == NULL)
        return;
    transport_close(&r->t);
    free(r);
}

static const struct kwh_card_dev_ops reader_ops = {
    .status = rd_status,
    .power_on = rd_power_on,
    .read = rd_read,
    .write = rd_write,
    .psc_tries = rd_psc_tries,
    .psc_present = rd_psc_present,
    .psc_change = rd_psc_change,
    .close = rd_close,
    .event = rd_event,
};

int reader_attach(struct kwh_transport *t, const struct reader_opts *o, struct kwh_card_dev *dev,
                  struct kwh_err *e)
{
    struct reader *r = calloc(1, sizeof *r);

    if (r == NULL) {
        transport_close(t);
        return kwh_err_set(e, KWH_ENOMEM, "out of memory");
    }
    r->t = *t;
    memset(t, 0, sizeof *t);
    if (o != NULL)
        r->o = *o;
    else
        reader_opts_default(&r->o);
    frame_parser_init(&r->p);
    /* a SEQ of our own: answers to a program that had the port before are not ours */
    r->seq = first_seq();
    dev->ops = &reader_ops;
    dev->ctx = r;
    return 0;
}

int reader_ident(struct kwh_card_dev *dev, char *buf, size_t n, struct kwh_err *e)
{
    struct reader *r = dev->ctx;
    struct frame resp;
    int rc;

    if (dev->ops != &reader_ops)
        return kwh_err_set(e, KWH_EINVAL, "not a serial reader device");
    if ((rc = call(r, FRAME_CMD_IDENT, NULL, 0, 64, 0, &resp, e)) < 0)
        return rc;
    snprintf(buf, n, "%.*s", (int)(resp.len - 1), (const char *)resp.data + 1);
    return 0;
}

/* The longest the reader can stay busy with one request: a whole-card write or read
 * on the wire both ways, the card's time for 256 bytes, and the answer timeout. */
static int busy_ms(const struct reader *r)
{
    return r->o.timeout_ms + wire_ms(r, 2 * FRAME_OVERHEAD + 2 + KWH_CARD_SIZE + 3) +
           KWH_CARD_SIZE * r->o.write_ms_per_byte;
}

/* IDENT until it is answered. A program killed during a card write leaves the reader
 * busy with its request, and its answer (or a half-sent frame the reader joins to
 * ours) still to come: IDENT is sent again, what arrives meanwhile read and dropped
 * (answers with another SEQ), until the reader has caught up or no request could
 * still keep it busy. A reader that is simply not there takes busy_ms() to say so. */
static int ident_resync(struct kwh_card_dev *dev, char *buf, size_t n, struct kwh_err *e)
{
    struct reader *r = dev->ctx;
    int64_t deadline = now_ms() + busy_ms(r);
    int rc;

    for (;;) {
        rc = reader_ident(dev, buf, n, e);
        if (rc == 0 || e == NULL || now_ms() >= deadline)
            return rc;
        if (e->detail != KWH_DEV_TIMEOUT && e->detail != KWH_DEV_BAD_FRAME &&
            e->detail != KWH_DEV_PROTOCOL)
            return rc;
        r->st.resyncs++;
    }
}

int reader_open(const char *port, int baud, enum serial_backend backend,
                const struct reader_opts *o, struct kwh_card_dev *dev, struct kwh_err *e)
{
    struct kwh_transport t;
    char who[80];
    int rc;

    if ((rc = serial_open(port, baud, backend, &t, e)) < 0)
        return rc;
    if ((rc = reader_attach(&t, o, dev, e)) < 0)
        return rc;
    rc = ident_resync(dev, who, sizeof who, e);
    if (rc < 0) {
        if (e != NULL && e->detail == KWH_DEV_TIMEOUT)
            kwh_err_setd(e, KWH_EDEVICE, KWH_DEV_NO_READER,
                         "no card reader answers on %s at %d baud: check that the reader is "
                         "connected to this port and switched on, and the port speed",
                         port, baud);
        dev->ops->close(dev->ctx);
        dev->ops = NULL;
        dev->ctx = NULL;
        return rc;
    }
    return 0;
}

const struct reader_stats *reader_stats(const struct kwh_card_dev *dev)
{
    if (dev == NULL || dev->ops != &reader_ops)
        return NULL;
    return &((const struct reader *)dev->ctx)->st;
}

const char *reader_backend(const struct kwh_card_dev *dev)
{
    if (dev == NULL || dev->ops != &reader_ops)
        return NULL;
    return ((const struct reader *)dev->ctx)->t.backend;
}
